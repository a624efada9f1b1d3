package ftp.server.proxy;

/** Which PROXY protocol header {@code listen.proxy_protocol} requires before the greeting. */
public enum ProxyProtocol {
    OFF, V1, V2, ANY;

    public boolean accepts(int version) {
        return this == ANY || (this == V1 && version == 1) || (this == V2 && version == 2);
    }
}
