package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TcpProxy}, between a client and an echo server on the loopback interface.
 *
 * @author kafka-task
 */
class TcpProxyTests {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private ServerSocket echo;

	private TcpProxy proxy;

	private int proxyPort;

	@BeforeEach
	void startEchoServerAndProxy() throws IOException {
		this.echo = new ServerSocket(0, 50, LOOPBACK);
		Thread.ofPlatform().daemon(true).start(this::echoAll);
		this.proxyPort = TcpProxy.freePort();
		this.proxy = TcpProxy.start(List.of(new TcpProxy.Route(this.proxyPort, this.echo.getLocalPort())));
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.echo.close();
	}

	@Test
	void whenPassingThenBytesGoBothWays() throws IOException {
		assertThat(this.proxy.addresses()).containsExactly(LOOPBACK.getHostAddress() + ":" + this.proxyPort);
		try (Socket client = connect()) {
			send(client, "hello");
			assertThat(receive(client, 5)).isEqualTo("hello");
		}
		assertThat(this.proxy.accepted()).isEqualTo(1);
	}

	@Test
	void whenStalledThenNothingGoesThroughUntilPassingAgain() throws IOException {
		try (Socket client = connect()) {
			send(client, "one");
			assertThat(receive(client, 3)).isEqualTo("one");
			this.proxy.mode(TcpProxy.Mode.STALL);
			send(client, "two");
			client.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> client.getInputStream().read());
			this.proxy.mode(TcpProxy.Mode.PASS);
			client.setSoTimeout(5000);
			assertThat(receive(client, 3)).isEqualTo("two");
		}
	}

	@Test
	void whenStalledThenNewConnectionsAreAcceptedButGetNoAnswer() throws IOException {
		this.proxy.mode(TcpProxy.Mode.STALL);
		try (Socket client = connect()) {
			send(client, "ping");
			client.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> client.getInputStream().read());
			this.proxy.mode(TcpProxy.Mode.PASS);
			client.setSoTimeout(5000);
			assertThat(receive(client, 4)).isEqualTo("ping");
		}
	}

	@Test
	void whenDroppingThenOpenConnectionsCloseAndNewOnesAreClosedAtOnce() throws IOException {
		try (Socket client = connect()) {
			send(client, "one");
			assertThat(receive(client, 3)).isEqualTo("one");
			this.proxy.mode(TcpProxy.Mode.STALL);
			this.proxy.mode(TcpProxy.Mode.DROP);
			assertThat(endOfStream(client)).isTrue();
		}
		assertThat(this.proxy.dropped()).isEqualTo(1);
		try (Socket client = connect()) {
			assertThat(endOfStream(client)).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.proxy.refused() == 1);
		this.proxy.mode(TcpProxy.Mode.PASS);
		try (Socket client = connect()) {
			send(client, "again");
			assertThat(receive(client, 5)).isEqualTo("again");
		}
	}

	@Test
	void whenRefusingThenOpenConnectionsEndAndNewOnesAreRefusedUntilPassingAgain() throws IOException {
		Socket client = connect();
		send(client, "before");
		assertThat(receive(client, 6)).isEqualTo("before");
		this.proxy.mode(TcpProxy.Mode.REFUSE);
		assertThat(endOfStream(client)).isTrue();
		client.close();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(this::connect);
		this.proxy.mode(TcpProxy.Mode.PASS);
		try (Socket again = connect()) {
			send(again, "after");
			assertThat(receive(again, 5)).isEqualTo("after");
		}
		assertThat(this.proxy.dropped()).isEqualTo(1);
	}

	@Test
	void whenClosedThenItDoesNotListenAgain() throws IOException {
		this.proxy.mode(TcpProxy.Mode.REFUSE);
		this.proxy.close();
		this.proxy.mode(TcpProxy.Mode.PASS);
		assertThatExceptionOfType(ConnectException.class).isThrownBy(this::connect);
		assertThat(this.proxy.open()).isZero();
	}

	@Test
	void whenAFreePortIsAskedThenItIsBelowTheEphemeralRange() throws IOException {
		assertThat(TcpProxy.freePort()).isBetween(10_000, 65_535);
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(LOOPBACK, this.proxyPort), 2000);
		socket.setSoTimeout(5000);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static String receive(Socket socket, int length) throws IOException {
		return new String(socket.getInputStream().readNBytes(length), StandardCharsets.US_ASCII);
	}

	/**
	 * Whether the connection ends (end of stream or reset) before 5 s are up.
	 */
	private static boolean endOfStream(Socket socket) {
		try {
			return socket.getInputStream().read() == -1;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	private void echoAll() {
		while (!this.echo.isClosed()) {
			try {
				Socket socket = this.echo.accept();
				Thread.ofVirtual().start(() -> {
					try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
						in.transferTo(out);
					}
					catch (IOException ex) {
						// the client or the proxy closed it
					}
				});
			}
			catch (IOException ex) {
				return;
			}
		}
	}

}
