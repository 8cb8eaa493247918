package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RabbitProxy}, in front of an echo server.
 *
 * @author kafka-task
 */
class RabbitProxyTests {

	private ServerSocket echo;

	private RabbitProxy proxy;

	@BeforeEach
	void startEchoAndProxy() throws IOException {
		this.echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread.ofPlatform().daemon(true).start(this::echoAll);
		this.proxy = RabbitProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.echo.getLocalPort()),
				RabbitProxy.freePort());
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.echo.close();
	}

	@Test
	void whenConnectedThroughTheProxyThenBytesTravelBothWays() throws IOException {
		try (Socket client = connect()) {
			assertThat(roundTrip(client, "hello")).isEqualTo("hello");
			assertThat(roundTrip(client, "again")).isEqualTo("again");
		}
		assertThat(this.proxy.accepted()).isEqualTo(1);
	}

	@Test
	void whenCutThenOpenConnectionsEndAndNewOnesAreRefusedUntilRestored() throws IOException {
		Socket client = connect();
		assertThat(roundTrip(client, "before")).isEqualTo("before");
		this.proxy.cut();
		assertThat(this.proxy.isListening()).isFalse();
		assertThat(client.getInputStream().read()).as("end of stream on a dropped connection").isEqualTo(-1);
		client.close();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(this::connect);
		this.proxy.restore();
		try (Socket again = connect()) {
			assertThat(roundTrip(again, "after")).isEqualTo("after");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.proxy.open() == 0);
	}

	@Test
	void whenClosedThenItDoesNotListenAgain() throws IOException {
		this.proxy.close();
		this.proxy.restore();
		assertThat(this.proxy.isListening()).isFalse();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(this::connect);
	}

	@Test
	void whenAFreePortIsAskedThenItIsBelowTheEphemeralRange() throws IOException {
		assertThat(RabbitProxy.freePort()).isBetween(10_000, 65_535);
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.proxy.port()), 2000);
		socket.setSoTimeout(5000);
		return socket;
	}

	private static String roundTrip(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes());
		out.flush();
		InputStream in = socket.getInputStream();
		byte[] read = in.readNBytes(text.length());
		return new String(read);
	}

	private void echoAll() {
		while (!this.echo.isClosed()) {
			try {
				Socket socket = this.echo.accept();
				Thread.ofVirtual().start(() -> {
					try (socket) {
						socket.getInputStream().transferTo(socket.getOutputStream());
					}
					catch (IOException ex) {
						// the proxy dropped it
					}
				});
			}
			catch (IOException ex) {
				return;
			}
		}
	}

}
