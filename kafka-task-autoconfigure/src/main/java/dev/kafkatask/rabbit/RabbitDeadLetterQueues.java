package dev.kafkatask.rabbit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.RabbitUtils;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;
import org.springframework.util.Assert;

import dev.kafkatask.kafka.deadletter.BackendDeadLetters;
import dev.kafkatask.kafka.deadletter.DeadLetter;
import dev.kafkatask.kafka.deadletter.DeadLetterFilter;
import dev.kafkatask.kafka.deadletter.DeadLetterList;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.routing.Backend;

/**
 * The dead letters of the RabbitMQ leg, per queue: list the messages of its dead-letter
 * queue {@code <queue>.dlq}, and redrive them (all, or those that match a filter) to the
 * queue. Every call names a queue, which must be one the application knows; the queue read
 * is that queue's {@code <queue>.dlq} and the queue written is the queue itself, through the
 * default exchange as the leg publishes tasks, never one a message's headers name.
 * <p>
 * A call reads the dead-letter queue from its head with {@code basic.get} on a channel of
 * its own, holding each message unacknowledged, at most as many as the queue held when the
 * call began (so that a task dead-lettered again while a redrive runs is not sent round
 * again). Nothing is lost and nothing moves: at the end the messages held are given back
 * at once ({@code basic.nack} with {@code multiple} and {@code requeue}), which RabbitMQ puts
 * back at their places; a call that fails on the way closes its channel, which gives them
 * back too. While one call holds messages another does not see them: two calls at once
 * each look at a part of the queue (and never both redrive one message).
 * <p>
 * <b>A redriven message leaves the dead-letter queue</b>: its copy is published to the
 * queue, and only once RabbitMQ confirmed the copy is the dead letter acknowledged, so a
 * second redrive does not find it and the task does not run twice. One window is left open,
 * on purpose, rather than closed with a ledger that the RabbitMQ leg would need Kafka for:
 * if the copy went out but its dead letter was not acknowledged (the application died or
 * the channel was lost between the two, a few milliseconds per message; or the confirm did
 * not come within 30 s), the dead letter goes back to its queue while its copy runs, and the
 * next redrive sends it again. A redrive that fails so says so, logging the task id; list
 * the dead-letter queue by that task id before redriving again. A task redriven that fails
 * again is a new dead letter, its redrive count one more; redriving that one runs the task
 * again, as it should.
 * <p>
 * Every call is bounded: at most {@link #setMaxScanned(int) maxScanned} messages read,
 * {@link #MAX_LIMIT} listed, {@link #setMaxRedriven(int) maxRedriven} redriven (redrive again
 * for the rest), and each within the {@link #setTimeout(Duration) timeout}. Arguments that
 * are not valid are refused with an {@link IllegalArgumentException} that says why.
 *
 * @author kafka-task
 */
public class RabbitDeadLetterQueues implements BackendDeadLetters {

	private static final Log logger = LogFactory.getLog(RabbitDeadLetterQueues.class);

	private static final int MAX_QUEUE_NAME = 200;

	private final RabbitTemplate reader;

	private final RabbitTemplate publisher;

	private final RabbitQueues queues;

	private final Predicate<String> knownQueue;

	/**
	 * Reads every string header as a {@code String}, whatever its length (the default
	 * converter leaves one over 1,024 bytes as the client's {@code LongString}).
	 */
	private final MessagePropertiesConverter converter = new DefaultMessagePropertiesConverter(Integer.MAX_VALUE, true);

	private final ReentrantLock exclusive = new ReentrantLock();

	private TaskObserver observer = TaskObserver.NONE;

	private int maxScanned = 100_000;

	private int maxRedriven = 10_000;

	private Duration timeout = Duration.ofSeconds(60);

	/**
	 * Create the dead-letter queues.
	 * @param connectionFactory the factory of the channels that read the dead-letter queues
	 * @param publisher the template that publishes redriven copies: mandatory, on a factory
	 * with correlated confirms and returns
	 * @param queues declares a queue before its first redrive, and tells queue depths
	 * @param knownQueue whether a queue is one of the application's
	 */
	public RabbitDeadLetterQueues(ConnectionFactory connectionFactory, RabbitTemplate publisher, RabbitQueues queues,
			Predicate<String> knownQueue) {
		this.reader = new RabbitTemplate(connectionFactory);
		this.publisher = publisher;
		this.queues = queues;
		this.knownQueue = knownQueue;
	}

	/**
	 * Set the most messages one call reads from a dead-letter queue (100,000 by default):
	 * each is held unacknowledged until the call ends.
	 * @param maxScanned the bound
	 */
	public void setMaxScanned(int maxScanned) {
		Assert.isTrue(maxScanned > 0, "'maxScanned' must be positive");
		this.maxScanned = maxScanned;
	}

	/**
	 * Set the most dead letters one redrive sends (10,000 by default).
	 * @param maxRedriven the bound
	 */
	public void setMaxRedriven(int maxRedriven) {
		Assert.isTrue(maxRedriven > 0, "'maxRedriven' must be positive");
		this.maxRedriven = maxRedriven;
	}

	/**
	 * Set how long one read of a dead-letter queue may take (60 s by default); a redrive
	 * waits besides for the confirm of the copy it sent last.
	 * @param timeout the timeout
	 */
	public void setTimeout(Duration timeout) {
		Assert.isTrue(timeout.isPositive(), "'timeout' must be positive");
		this.timeout = timeout;
	}

	/**
	 * Set who is told what each redrive sent and skipped (dry runs are not told).
	 * @param observer the observer
	 */
	public void setObserver(TaskObserver observer) {
		this.observer = observer;
	}

	@Override
	public Backend backend() {
		return Backend.RABBITMQ;
	}

	/**
	 * Return the dead-letter queue of a queue.
	 * @param queue the queue
	 * @return {@code <queue>.dlq}
	 * @throws IllegalArgumentException if the queue is not one of the application's, or
	 * names a queue of kafka-task's own (dead letters, delay tiers, internal queues)
	 */
	public String deadLetterQueue(String queue) {
		checkQueue(queue);
		return RabbitQueues.deadLetterQueue(queue);
	}

	/**
	 * List the messages of a queue's dead-letter queue that match a filter, oldest first.
	 * Each message listed, and every other one read, stays where it was.
	 * @param queue the queue
	 * @param filter which dead letters
	 * @param limit most to list, 1 to {@value #MAX_LIMIT}
	 * @return the dead letters
	 * @throws IllegalArgumentException if the queue or the limit is not valid
	 * @throws IllegalStateException if the dead-letter queue could not be read
	 */
	@Override
	public DeadLetterList list(String queue, DeadLetterFilter filter, int limit) {
		String deadLetterQueue = deadLetterQueue(queue);
		Assert.isTrue(filter != null, "'filter' must not be null");
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("'limit' must be between 1 and " + MAX_LIMIT + ": " + limit);
		}
		List<DeadLetter> found = new ArrayList<>();
		Scan scan = exclusively(() -> scan(deadLetterQueue, (deadLetter, message) -> {
			if (!filter.matches(deadLetter)) {
				return Step.KEEP;
			}
			if (found.size() == limit) {
				return Step.STOP;
			}
			found.add(deadLetter);
			return Step.KEEP;
		}));
		scan.throwIfFailed("List of queue '" + queue + "'s dead letters failed");
		found.sort(OLDEST_FIRST);
		return new DeadLetterList(queue, found, scan.scanned(), scan.complete());
	}

	/**
	 * Redrive the messages of a queue's dead-letter queue that match a filter to the queue,
	 * each acknowledged (and gone from the dead-letter queue) once RabbitMQ confirmed its
	 * copy; or, in a dry run, say what would go and send nothing. Messages that do not match,
	 * or cannot be redriven, stay where they were.
	 * @param queue the queue
	 * @param filter which dead letters
	 * @param dryRun whether to send nothing
	 * @return what went, or would go, and what was skipped
	 * @throws IllegalArgumentException if the queue is not valid
	 * @throws IllegalStateException if the redrive failed on the way (what was redriven
	 * before stays redriven: redrive again for the rest)
	 */
	@Override
	public RedriveResult redrive(String queue, DeadLetterFilter filter, boolean dryRun) {
		String deadLetterQueue = deadLetterQueue(queue);
		Assert.isTrue(filter != null, "'filter' must not be null");
		List<DeadLetter> went = new ArrayList<>();
		List<RedriveResult.Skipped> skipped = new ArrayList<>();
		int[] skippedCount = { 0 };
		return exclusively(() -> {
			if (!dryRun) {
				this.queues.declare(queue);
			}
			return redrive(queue, deadLetterQueue, filter, dryRun);
		});
	}

	/**
	 * Run one list or redrive at a time in this instance: one beside another would not see
	 * the messages the other holds, and could say it read the whole queue. Waits at most the
	 * timeout for the other to end.
	 */
	private <T> T exclusively(Supplier<T> call) {
		try {
			if (!this.exclusive.tryLock(this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("Another list or redrive of RabbitMQ dead letters has run for more than "
						+ this.timeout + " in this instance; try again when it is done");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for another list or redrive to end", ex);
		}
		try {
			return call.get();
		}
		finally {
			this.exclusive.unlock();
		}
	}

	private RedriveResult redrive(String queue, String deadLetterQueue, DeadLetterFilter filter, boolean dryRun) {
		List<DeadLetter> went = new ArrayList<>();
		List<RedriveResult.Skipped> skipped = new ArrayList<>();
		int[] skippedCount = { 0 };
		Scan scan = scan(deadLetterQueue, (deadLetter, message) -> {
			if (!filter.matches(deadLetter)) {
				return Step.KEEP;
			}
			RedriveResult.SkipReason unredrivable = RabbitDeadLetterMessages.unredrivable(deadLetter);
			if (unredrivable != null) {
				if (skippedCount[0]++ < MAX_LIMIT) {
					skipped.add(new RedriveResult.Skipped(deadLetter, unredrivable, "It has no body to redrive"));
				}
				return Step.KEEP;
			}
			if (went.size() >= this.maxRedriven) {
				return Step.STOP;
			}
			if (dryRun) {
				went.add(deadLetter);
				return Step.KEEP;
			}
			try {
				ConfirmedPublish.publish(this.publisher, "", queue,
						RabbitDeadLetterMessages.redriven(message, deadLetter),
						"the redriven dead letter " + describe(deadLetter) + " of queue '" + queue + "'");
			}
			catch (RabbitPublishException ex) {
				// without a confirm the copy may have gone all the same
				String warning = "The copy of dead letter " + describe(deadLetter) + " may have gone to queue '" + queue
						+ "' (" + ex.getMessage() + "); the dead letter stays in '" + deadLetterQueue + "': list it by"
						+ " its task id, and see whether the task ran, before redriving again";
				logger.warn(warning);
				throw new IllegalStateException(warning, ex);
			}
			went.add(deadLetter);
			return Step.TAKE;
		});
		if (!dryRun) {
			this.observer.redriven(queue, Backend.RABBITMQ, went.size(), skippedCount[0]);
		}
		scan.throwIfFailed("Redrive of queue '" + queue + "' failed after " + went.size()
				+ " dead letters were redriven (they left the dead-letter queue)");
		if (!dryRun) {
			logger.info("Redrove " + went.size() + " dead letters of queue '" + queue + "' (" + skippedCount[0]
					+ " skipped, " + scan.scanned() + " read" + (scan.complete() ? "" : ", more to redrive") + ")");
		}
		went.sort(OLDEST_FIRST);
		return new RedriveResult(queue, dryRun, went, skipped, skippedCount[0], scan.scanned(), scan.complete());
	}

	/**
	 * Read a dead-letter queue from its head, at most as many messages as it held at the
	 * start, and give every message back that the visitor did not take.
	 */
	private Scan scan(String deadLetterQueue, Visitor visitor) {
		try {
			long ready = this.queues.depth(deadLetterQueue);
			if (ready <= 0) {
				// none yet (-1: no such queue, and none is declared for a read)
				return new Scan(0, true, null);
			}
			Scan scan = this.reader.execute((channel) -> scan(channel, deadLetterQueue, ready, visitor));
			Assert.state(scan != null, "No result of the scan");
			return scan;
		}
		catch (AmqpException ex) {
			return new Scan(0, false, ex);
		}
	}

	private Scan scan(Channel channel, String deadLetterQueue, long ready, Visitor visitor) {
		long bound = Math.min(ready, this.maxScanned);
		long deadline = System.nanoTime() + this.timeout.toNanos();
		int scanned = 0;
		long lastHeld = -1;
		boolean complete = false;
		try {
			while (true) {
				if (scanned >= bound) {
					complete = scanned >= ready;
					break;
				}
				if (System.nanoTime() - deadline > 0) {
					break;
				}
				GetResponse response = channel.basicGet(deadLetterQueue, false);
				if (response == null) {
					// fewer than it held at the start: another call may hold the rest
					complete = scanned >= ready;
					break;
				}
				long tag = response.getEnvelope().getDeliveryTag();
				Message message = new Message(response.getBody(), this.converter
					.toMessageProperties(response.getProps(), response.getEnvelope(), StandardCharsets.UTF_8.name()));
				DeadLetter deadLetter = RabbitDeadLetterMessages.read(deadLetterQueue, scanned, message);
				scanned++;
				Step step = visitor.visit(deadLetter, message);
				if (step == Step.TAKE) {
					acknowledge(channel, tag, deadLetter);
					continue;
				}
				lastHeld = tag;
				if (step == Step.STOP) {
					break;
				}
			}
			if (lastHeld >= 0) {
				channel.basicNack(lastHeld, true, true);
			}
			if (scanned > 0) {
				// basic.ack and basic.nack have no answer: a round trip on the same channel
				// returns once the queue has them, so that the next call (on any channel)
				// finds the messages given back where they were
				channel.messageCount(deadLetterQueue);
			}
			return new Scan(scanned, complete, null);
		}
		catch (Exception ex) {
			// closing the channel gives back what it holds
			RabbitUtils.setPhysicalCloseRequired(channel, true);
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return new Scan(scanned, false, ex);
		}
	}

	private static void acknowledge(Channel channel, long tag, DeadLetter deadLetter) {
		try {
			channel.basicAck(tag, false);
		}
		catch (IOException | RuntimeException ex) {
			String message = "Dead letter " + describe(deadLetter) + " was redriven, but could not be acknowledged: it "
					+ "is back in '" + deadLetter.topic() + "' while its copy runs, and a redrive of it would run the "
					+ "task again (list the dead-letter queue by its task id before redriving again)";
			logger.warn(message);
			throw new IllegalStateException(message, ex);
		}
	}

	private void checkQueue(String queue) {
		if (queue == null || queue.isBlank()) {
			throw new IllegalArgumentException("'queue' must not be blank");
		}
		boolean printable = queue.length() <= MAX_QUEUE_NAME && queue.codePoints().noneMatch(Character::isISOControl);
		boolean own = queue.endsWith(".dlq") || queue.endsWith(".dlt") || queue.endsWith(".high")
				|| queue.contains("__");
		if (!printable || own || !this.knownQueue.test(queue)) {
			String shown = (queue.length() > 64) ? queue.substring(0, 64) + "..." : queue;
			shown = shown.codePoints()
				.map((c) -> Character.isISOControl(c) ? '?' : c)
				.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
				.toString();
			throw new IllegalArgumentException("Unknown queue '" + shown + "': name a queue of this application (a "
					+ "task's queue, kafka-task.rabbitmq.queues, kafka-task.worker.queues or a routing rule's), not a "
					+ "dead-letter, delay or internal queue");
		}
	}

	private static String describe(DeadLetter deadLetter) {
		return ((deadLetter.task() != null) ? "'" + deadLetter.task() + "' " : "") + "["
				+ ((deadLetter.taskId() != null) ? deadLetter.taskId() : deadLetter.position()) + "]";
	}

	private static final Comparator<DeadLetter> OLDEST_FIRST = Comparator.comparing(DeadLetter::deadLetteredAt)
		.thenComparingLong(DeadLetter::offset);

	/**
	 * What to do with a message read.
	 */
	private enum Step {

		/**
		 * Hold it, to give it back at the end.
		 */
		KEEP,

		/**
		 * It was redriven: acknowledge it.
		 */
		TAKE,

		/**
		 * Hold it and read no more.
		 */
		STOP

	}

	@FunctionalInterface
	private interface Visitor {

		Step visit(DeadLetter deadLetter, Message message) throws Exception;

	}

	/**
	 * What a read of a dead-letter queue saw.
	 *
	 * @param scanned how many messages it read
	 * @param complete whether it read every message the queue held when it began
	 * @param failure what stopped it, or {@code null}
	 */
	private record Scan(int scanned, boolean complete, @Nullable Exception failure) {

		void throwIfFailed(String what) {
			if (this.failure != null) {
				throw new IllegalStateException(what + ": " + this.failure, this.failure);
			}
		}

	}

}
