package dev.coilsight.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports: a free one, or a clear refusal when a chosen one is taken. */
public final class Ports {

    /** A chosen port is in use by another process: an I/O failure that the user, not the code, can fix. */
    public static final class PortTakenException extends UncheckedIOException {
        public PortTakenException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private Ports() {
    }

    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** Throws {@link PortTakenException} naming {@code what} when {@code port} cannot be bound on loopback. */
    public static void requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new PortTakenException("port " + port + " for " + what + " is already in use (" + e.getMessage()
                    + "); stop what listens there or choose another port", e);
        }
    }
}
