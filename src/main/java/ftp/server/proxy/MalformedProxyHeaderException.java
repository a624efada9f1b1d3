package ftp.server.proxy;

/** The bytes are not a PROXY header this server accepts; the message says why and holds no client byte. */
public final class MalformedProxyHeaderException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedProxyHeaderException(String message) {
        super(message);
    }
}
