package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on the loopback interface that forwards each of its ports to another, and can
 * be told to misbehave: {@link Mode#STALL stall} (connections stay open and new ones are
 * accepted, but no byte goes through either way, as behind a black hole),
 * {@link Mode#DROP drop} (every connection is closed, and new ones are closed as soon as they
 * are accepted) or {@link Mode#REFUSE refuse} (every connection is closed and the ports are
 * closed, so that connecting is refused, as while a server is stopped). The {@code faults}
 * scenario puts one between a worker and the brokers, the {@code rabbit-faults} scenario one
 * between RabbitMQ and its clients.
 *
 * @author kafka-task
 */
final class TcpProxy implements AutoCloseable {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final int CONNECT_TIMEOUT_MS = 5000;

	private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration ACCEPTOR_STOP_TIMEOUT = Duration.ofSeconds(10);

	private final List<Route> routes;

	private final List<@Nullable ServerSocket> servers = new ArrayList<>();

	/**
	 * The thread accepting on each server.
	 */
	private final List<@Nullable Thread> acceptors = new ArrayList<>();

	private final List<String> addresses = new ArrayList<>();

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final AtomicLong accepted = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	private volatile Mode mode = Mode.PASS;

	private volatile boolean closed;

	private TcpProxy(List<Route> routes) {
		this.routes = List.copyOf(routes);
	}

	/**
	 * Bind every route's port and start forwarding.
	 * @param routes the routes
	 * @return the proxy
	 * @throws IOException if a port cannot be bound (the ports bound so far are closed)
	 */
	static TcpProxy start(List<Route> routes) throws IOException {
		TcpProxy proxy = new TcpProxy(routes);
		try {
			for (Route route : routes) {
				proxy.servers.add(null);
				proxy.acceptors.add(null);
				proxy.addresses.add(LOOPBACK.getHostAddress() + ":" + route.listenPort());
			}
			proxy.listen();
		}
		catch (IOException ex) {
			proxy.close();
			throw ex;
		}
		return proxy;
	}

	/**
	 * Change what the proxy does: {@link Mode#DROP} and {@link Mode#REFUSE} close every open
	 * connection at once; leaving {@link Mode#REFUSE} listens again.
	 * @param mode the new mode
	 * @throws IOException if a port cannot be bound again within ten seconds
	 */
	synchronized void mode(Mode mode) throws IOException {
		Mode previous = this.mode;
		this.lock.lock();
		try {
			this.mode = mode;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		if (mode == Mode.REFUSE) {
			closeServers();
		}
		if (mode == Mode.DROP || mode == Mode.REFUSE) {
			for (Connection connection : this.connections) {
				if (this.connections.remove(connection)) {
					this.dropped.incrementAndGet();
					connection.close();
				}
			}
		}
		if (previous == Mode.REFUSE && mode != Mode.REFUSE && !this.closed) {
			listen();
		}
	}

	/**
	 * Bind every route's port that is not bound, waiting up to ten seconds for each, and
	 * accept on it.
	 */
	private void listen() throws IOException {
		for (int i = 0; i < this.routes.size(); i++) {
			if (this.servers.get(i) != null) {
				continue;
			}
			Route route = this.routes.get(i);
			ServerSocket server = bind(route.listenPort());
			this.servers.set(i, server);
			InetSocketAddress target = new InetSocketAddress(LOOPBACK, route.targetPort());
			this.acceptors.set(i, Thread.ofPlatform()
				.daemon(true)
				.name("proxy-" + route.listenPort())
				.start(() -> accept(server, target)));
		}
	}

	private static ServerSocket bind(int port) throws IOException {
		long deadline = System.nanoTime() + REBIND_TIMEOUT.toNanos();
		while (true) {
			ServerSocket server = new ServerSocket();
			server.setReuseAddress(true);
			try {
				server.bind(new InetSocketAddress(LOOPBACK, port), 128);
				return server;
			}
			catch (IOException ex) {
				server.close();
				if (System.nanoTime() - deadline > 0) {
					throw new IOException("The proxy cannot listen on port " + port + ": " + ex, ex);
				}
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw new InterruptedIOException("Interrupted while binding port " + port);
				}
			}
		}
	}

	/**
	 * Close every server and wait until its acceptor is gone: while a thread is blocked in
	 * {@code accept()}, the kernel keeps the socket listening after it is closed, and a client
	 * can still connect, until that thread has been woken up.
	 */
	private void closeServers() {
		for (int i = 0; i < this.servers.size(); i++) {
			ServerSocket server = this.servers.get(i);
			if (server != null) {
				closeQuietly(server);
				this.servers.set(i, null);
			}
			Thread acceptor = this.acceptors.get(i);
			if (acceptor != null) {
				awaitEnd(acceptor);
				this.acceptors.set(i, null);
			}
		}
	}

	private static void awaitEnd(Thread thread) {
		try {
			if (!thread.join(ACCEPTOR_STOP_TIMEOUT)) {
				throw new IllegalStateException(thread.getName() + " still accepts " + ACCEPTOR_STOP_TIMEOUT
						+ " after its socket was closed");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Return a port on the loopback interface that is free now and below the kernel's range of
	 * ephemeral ports, so that no outgoing connection takes it while the proxy refuses.
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
			try (ServerSocket socket = new ServerSocket(port, 1, LOOPBACK)) {
				return port;
			}
			catch (IOException ex) {
				// taken: another one
			}
		}
		throw new IOException("No free loopback port found between " + low + " and " + high);
	}

	Mode mode() {
		return this.mode;
	}

	/**
	 * Return where the proxy listens.
	 * @return {@code host:port}, one per route
	 */
	List<String> addresses() {
		return List.copyOf(this.addresses);
	}

	/**
	 * Return connections open now.
	 * @return the count
	 */
	int open() {
		return this.connections.size();
	}

	/**
	 * Return connections accepted and forwarded so far.
	 * @return the count
	 */
	long accepted() {
		return this.accepted.get();
	}

	/**
	 * Return connections closed as soon as accepted, while dropping.
	 * @return the count
	 */
	long refused() {
		return this.refused.get();
	}

	/**
	 * Return connections closed when dropping began.
	 * @return the count
	 */
	long dropped() {
		return this.dropped.get();
	}

	private void accept(ServerSocket server, InetSocketAddress target) {
		while (!this.closed) {
			Socket client;
			try {
				client = server.accept();
			}
			catch (IOException ex) {
				return;
			}
			if (this.mode == Mode.DROP || this.mode == Mode.REFUSE) {
				this.refused.incrementAndGet();
				closeQuietly(client);
				continue;
			}
			this.accepted.incrementAndGet();
			Thread.ofVirtual().name("proxy-" + server.getLocalPort() + "-connect").start(() -> connect(client, target));
		}
	}

	private void connect(Socket client, InetSocketAddress target) {
		Connection connection = new Connection(client, new Socket());
		this.connections.add(connection);
		try {
			client.setTcpNoDelay(true);
			connection.upstream().setTcpNoDelay(true);
			connection.upstream().connect(target, CONNECT_TIMEOUT_MS);
		}
		catch (IOException ex) {
			close(connection);
			return;
		}
		if (this.mode == Mode.DROP || this.mode == Mode.REFUSE || this.closed) {
			close(connection);
			return;
		}
		Thread.ofVirtual()
			.name("proxy-" + target.getPort() + "-up")
			.start(() -> pump(client, connection.upstream(), connection));
		pump(connection.upstream(), client, connection);
	}

	/**
	 * Copy bytes from one socket to the other until either closes; while stalled, hold what
	 * was read (the sender's buffers then fill up, and it stalls too).
	 */
	private void pump(Socket from, Socket to, Connection connection) {
		byte[] buffer = new byte[64 * 1024];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int read;
			while ((read = in.read(buffer)) >= 0) {
				if (!awaitPassing()) {
					break;
				}
				out.write(buffer, 0, read);
			}
		}
		catch (IOException ex) {
			// closed, by either side or by dropping
		}
		finally {
			close(connection);
		}
	}

	/**
	 * Wait while stalled.
	 * @return whether bytes may pass: {@code false} once dropping or closed
	 */
	private boolean awaitPassing() throws InterruptedIOException {
		if (this.mode == Mode.PASS) {
			return true;
		}
		this.lock.lock();
		try {
			while (this.mode == Mode.STALL && !this.closed) {
				this.changed.await();
			}
			return this.mode == Mode.PASS && !this.closed;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while stalled");
		}
		finally {
			this.lock.unlock();
		}
	}

	private void close(Connection connection) {
		this.connections.remove(connection);
		connection.close();
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

	/**
	 * Stop accepting and close every connection.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.lock.lock();
		try {
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		synchronized (this) {
			closeServers();
		}
		this.connections.forEach(Connection::close);
		this.connections.clear();
	}

	/**
	 * What the proxy does with connections.
	 */
	enum Mode {

		/**
		 * Forward every byte.
		 */
		PASS,

		/**
		 * Keep connections open, accept new ones, forward nothing.
		 */
		STALL,

		/**
		 * Close every connection, and each new one as soon as it is accepted.
		 */
		DROP,

		/**
		 * Close every connection and the ports: connecting is refused.
		 */
		REFUSE

	}

	/**
	 * A connection through the proxy: the client's socket and the proxy's own to the target.
	 */
	private record Connection(Socket client, Socket upstream) {

		void close() {
			closeQuietly(this.client);
			closeQuietly(this.upstream);
		}

	}

	/**
	 * A port of the proxy and the port on the loopback interface it forwards to.
	 *
	 * @param listenPort where the proxy listens
	 * @param targetPort where it connects
	 */
	record Route(int listenPort, int targetPort) {
	}

}
