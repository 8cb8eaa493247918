package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on the loopback interface between RabbitMQ's clients and RabbitMQ, that can play
 * a RabbitMQ restart without touching the server: {@link #cut()} drops every connection and
 * closes the listening port, so that connecting is refused ({@code ECONNREFUSED}, as while
 * {@code rabbitmqctl stop_app} holds), and {@link #restore()} listens on the same port again.
 * Each connection is two virtual threads copying bytes, one each way; one side closing closes
 * the other.
 *
 * @author kafka-task
 */
final class RabbitProxy implements AutoCloseable {

	private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(10);

	private final InetSocketAddress target;

	private final int port;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final AtomicInteger accepted = new AtomicInteger();

	private volatile @Nullable ServerSocket server;

	private volatile boolean closed;

	private RabbitProxy(InetSocketAddress target, int port) {
		this.target = target;
		this.port = port;
	}

	/**
	 * Start a proxy listening on the loopback interface.
	 * @param target where it connects to
	 * @param port the port to listen on: it must stay free while the proxy is cut, so not one
	 * of the kernel's ephemeral range
	 * @return the proxy, listening
	 * @throws IOException if it cannot listen
	 */
	static RabbitProxy start(InetSocketAddress target, int port) throws IOException {
		RabbitProxy proxy = new RabbitProxy(target, port);
		proxy.listen();
		return proxy;
	}

	int port() {
		return this.port;
	}

	/**
	 * Return how many connections were accepted so far.
	 * @return the count
	 */
	int accepted() {
		return this.accepted.get();
	}

	/**
	 * Return how many connections are open now.
	 * @return the count (two sockets each)
	 */
	int open() {
		return this.sockets.size() / 2;
	}

	boolean isListening() {
		return this.server != null;
	}

	/**
	 * Drop every connection and refuse new ones until {@link #restore()}.
	 */
	synchronized void cut() {
		ServerSocket current = this.server;
		this.server = null;
		closeQuietly(current);
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
		this.sockets.clear();
	}

	/**
	 * Listen again, on the same port.
	 * @throws IOException if the port cannot be bound again within ten seconds
	 */
	synchronized void restore() throws IOException {
		if (this.server == null && !this.closed) {
			listen();
		}
	}

	private void listen() throws IOException {
		long deadline = System.nanoTime() + REBIND_TIMEOUT.toNanos();
		ServerSocket socket;
		while (true) {
			socket = new ServerSocket();
			socket.setReuseAddress(true);
			try {
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 128);
				break;
			}
			catch (IOException ex) {
				socket.close();
				if (System.nanoTime() - deadline > 0) {
					throw new IOException("The proxy cannot listen on port " + this.port + " again: " + ex, ex);
				}
				sleep(Duration.ofMillis(100));
			}
		}
		this.server = socket;
		ServerSocket listening = socket;
		Thread.ofPlatform().daemon(true).name("rabbit-proxy-" + this.port).start(() -> accept(listening));
	}

	private void accept(ServerSocket listening) {
		while (!listening.isClosed()) {
			Socket client;
			try {
				client = listening.accept();
			}
			catch (IOException ex) {
				// closed: cut or closed
				return;
			}
			this.accepted.incrementAndGet();
			Socket upstream = new Socket();
			try {
				upstream.connect(this.target, 5_000);
			}
			catch (IOException ex) {
				closeQuietly(client);
				closeQuietly(upstream);
				continue;
			}
			synchronized (this) {
				if (this.server != listening) {
					// cut meanwhile
					closeQuietly(client);
					closeQuietly(upstream);
					continue;
				}
				this.sockets.add(client);
				this.sockets.add(upstream);
			}
			Thread.ofVirtual().start(() -> pipe(client, upstream));
			Thread.ofVirtual().start(() -> pipe(upstream, client));
		}
	}

	private void pipe(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (SocketException ex) {
			// closed by the other pipe, by cut(), or reset by a peer
		}
		catch (IOException ex) {
			// the connection ends either way
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			this.sockets.remove(from);
			this.sockets.remove(to);
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		cut();
	}

	private static void closeQuietly(@Nullable AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// closing anyway
			}
		}
	}

	private static void sleep(Duration duration) throws IOException {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while binding the proxy's port", ex);
		}
	}

	/**
	 * Return a port on the loopback interface that is free now and below the kernel's range of
	 * ephemeral ports, so that no outgoing connection takes it while the proxy is cut.
	 * @return the port
	 * @throws IOException if none is found
	 */
	static int freePort() throws IOException {
		int ephemeralStart = 32_768;
		Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
		if (Files.isReadable(range)) {
			// by lines: Files.readString returned only the first byte of this /proc file (JDK 25.0.3)
			ephemeralStart = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
		}
		int low = 10_000;
		int high = ephemeralStart - 1;
		if (high <= low) {
			throw new IOException("No ports below the ephemeral range (" + ephemeralStart + ") for the proxy");
		}
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(low, high);
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				return port;
			}
			catch (IOException ex) {
				// taken: another one
			}
		}
		throw new IOException("No free loopback port found between " + low + " and " + high);
	}

}
