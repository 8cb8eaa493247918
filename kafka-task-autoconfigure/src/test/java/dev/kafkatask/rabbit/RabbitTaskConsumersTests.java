package dev.kafkatask.rabbit;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedConstruction;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

import dev.kafkatask.celery.CeleryMessageCodec;
import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.dispatch.TaskTransport;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.monitor.TaskObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockConstruction;

/**
 * Tests for {@link RabbitTaskConsumers}' drain checks, with the listener containers mocked.
 *
 * @author kafka-task
 */
class RabbitTaskConsumersTests {

	private final RabbitQueues queues = mock(RabbitQueues.class);

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final TaskObserver observer = new TaskObserver() {

		@Override
		public void backgroundFailure(String thread, Throwable failure) {
			RabbitTaskConsumersTests.this.failures.add(thread);
		}

	};

	private MockedConstruction<SimpleMessageListenerContainer> containers;

	private RabbitTaskConsumers consumers;

	@BeforeEach
	void mockContainers() {
		this.containers = mockConstruction(SimpleMessageListenerContainer.class);
		this.consumers = new RabbitTaskConsumers(mock(ConnectionFactory.class), mock(CeleryMessageCodec.class),
				mock(DeliveryHandler.class), mock(RabbitDeadLetters.class), this.queues, null, this.observer,
				new RabbitTaskConsumers.Settings(1, 1, Duration.ofSeconds(1)), List.of(), mock(TaskTransport.class));
	}

	@AfterEach
	void stop() {
		this.consumers.stop();
		this.containers.close();
	}

	@Test
	void whenADrainingConsumersQueueIsEmptyThenItStops() {
		given(this.queues.depth(anyString())).willReturn(0L);
		RabbitQueueConsumer consumer = this.consumers.consumer("orders");
		consumer.drain();
		await().atMost(Duration.ofSeconds(10)).until(() -> consumer.state() == ConsumerState.STOPPED);
	}

	@Test
	void whenADrainCheckFailsThenTheChecksGoOnAndTheDrainedConsumerStops() {
		given(this.queues.depth(anyString())).willThrow(new AmqpConnectException(new ConnectException("gone")))
			.willReturn(0L);
		RabbitQueueConsumer consumer = this.consumers.consumer("orders");
		consumer.drain();
		await().atMost(Duration.ofSeconds(10)).until(() -> consumer.state() == ConsumerState.STOPPED);
		assertThat(this.failures).containsExactly("rabbitmq-drain");
	}

	@Test
	void whenTheCheckOfOneQueueKeepsFailingThenTheOtherQueuesStillDrain() {
		given(this.queues.depth("billing")).willThrow(new AmqpConnectException(new ConnectException("gone")));
		given(this.queues.depth("orders")).willReturn(0L);
		RabbitQueueConsumer billing = this.consumers.consumer("billing");
		RabbitQueueConsumer orders = this.consumers.consumer("orders");
		billing.drain();
		orders.drain();
		await().atMost(Duration.ofSeconds(10)).until(() -> orders.state() == ConsumerState.STOPPED);
		assertThat(billing.state()).isEqualTo(ConsumerState.DRAINING);
		assertThat(this.failures).isNotEmpty().containsOnly("rabbitmq-drain");
	}

}
