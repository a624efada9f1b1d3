package ftp.tls;

import java.io.ByteArrayOutputStream;

/** Hand-made ClientHello records for versions the JDK client will no longer speak. */
final class ClientHellos {
    private ClientHellos() {}

    /** A TLS 1.1 ClientHello (no supported_versions extension) offering ECDHE and RSA CBC suites. */
    static byte[] tls11() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(3);
        body.write(2); // client_version TLS 1.1
        body.writeBytes(new byte[32]); // random
        body.write(0); // no session id
        int[] suites = {0xC009, 0xC013, 0x002F, 0x0035};
        body.write(0);
        body.write(suites.length * 2);
        for (int suite : suites) {
            body.write(suite >> 8);
            body.write(suite & 0xFF);
        }
        body.write(1);
        body.write(0); // compression: null
        byte[] extensions = {
            0x00, 0x0A, 0x00, 0x06, 0x00, 0x04, 0x00, 0x17, 0x00, 0x18, // supported_groups: P-256, P-384
            0x00, 0x0B, 0x00, 0x02, 0x01, 0x00, // ec_point_formats: uncompressed
        };
        body.write(extensions.length >> 8);
        body.write(extensions.length & 0xFF);
        body.writeBytes(extensions);

        byte[] hello = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[] {22, 3, 1}); // handshake record, TLS 1.0 record version as clients send
        int handshakeLength = hello.length + 4;
        record.write(handshakeLength >> 8);
        record.write(handshakeLength & 0xFF);
        record.write(1); // client_hello
        record.write(0);
        record.write(hello.length >> 8);
        record.write(hello.length & 0xFF);
        record.writeBytes(hello);
        return record.toByteArray();
    }
}
