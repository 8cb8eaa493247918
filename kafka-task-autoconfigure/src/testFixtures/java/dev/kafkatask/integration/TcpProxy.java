package dev.kafkatask.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a port of 127.0.0.1 to a real server, that a test can cut (closing every
 * connection through it and refusing new ones) and open again on the same port: how tests
 * lose a broker without stopping the one other tests share.
 *
 * @author kafka-task
 */
final class TcpProxy implements AutoCloseable {

	private final String targetHost;

	private final int targetPort;

	private final int port;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile ServerSocket server;

	/**
	 * Open a proxy to a port of 127.0.0.1.
	 * @param targetPort the server's port
	 * @throws IOException if no port could be bound
	 */
	TcpProxy(int targetPort) throws IOException {
		this("127.0.0.1", targetPort);
	}

	/**
	 * Open a proxy to a server.
	 * @param targetHost the server's host
	 * @param targetPort the server's port
	 * @throws IOException if no port could be bound
	 */
	TcpProxy(String targetHost, int targetPort) throws IOException {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		this.server = bind(0);
		this.port = this.server.getLocalPort();
		accept(this.server);
	}

	int port() {
		return this.port;
	}

	/**
	 * Close every connection through the proxy and stop accepting new ones.
	 */
	void cut() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closed anyway
		}
		this.sockets.forEach(TcpProxy::closeQuietly);
		this.sockets.clear();
	}

	/**
	 * Accept connections again, on the same port.
	 * @throws IOException if the port could not be bound again
	 */
	void restore() throws IOException {
		this.server = bind(this.port);
		accept(this.server);
	}

	@Override
	public void close() {
		cut();
	}

	private static ServerSocket bind(int port) throws IOException {
		ServerSocket socket = new ServerSocket();
		socket.setReuseAddress(true);
		socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
		return socket;
	}

	private void accept(ServerSocket listening) {
		Thread.ofVirtual().name("tcp-proxy-accept-" + this.port).start(() -> {
			while (!listening.isClosed()) {
				try {
					Socket client = listening.accept();
					Socket target = new Socket(this.targetHost, this.targetPort);
					this.sockets.add(client);
					this.sockets.add(target);
					pump(client, target);
					pump(target, client);
				}
				catch (IOException ex) {
					// closed: cut() or close()
				}
			}
		});
	}

	private void pump(Socket from, Socket to) {
		Thread.ofVirtual().name("tcp-proxy-pump-" + this.port).start(() -> {
			byte[] buffer = new byte[8192];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) != -1) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// one side went away
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		});
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

}
