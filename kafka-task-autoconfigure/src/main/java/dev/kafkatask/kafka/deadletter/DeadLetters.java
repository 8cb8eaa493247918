package dev.kafkatask.kafka.deadletter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.util.Assert;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.kafka.DelayRoutes;
import dev.kafkatask.kafka.DelayTiers;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;

/**
 * The dead letters of the Kafka leg, per queue: list them, and redrive them (all, or those
 * that match a filter) to the queue's topic. Every call names a queue, which must be one the
 * application knows; the dead-letter topics read are that queue's ({@code <topic>.dlt}, and
 * {@code <topic>.high.dlt} for a priority queue) and the topic written is the queue's own
 * beside each, never one a record names.
 * <p>
 * <b>Each dead letter is redriven once.</b> A redrive writes, for each dead letter it sends,
 * a record to the {@link RedriveLedger} in the same Kafka transaction as the redriven copy,
 * and reads the ledger before it sends anything: a dead letter in the ledger, or another copy
 * of it (the same task id and redrive count), is skipped as {@code already-redriven}. All
 * redrives of one topic prefix share one transactional id, so that a redrive fences any other
 * one still running (in this instance or another) before it reads the ledger: two redrives at
 * once, or one that crashed half-way, still send each dead letter once. A task redriven that
 * fails again is a new dead letter, with its redrive count one more; redriving that one
 * runs the task again, as it should.
 * <p>
 * Every call is bounded: at most {@link #setMaxScanned(int) maxScanned} records read per
 * call, {@link #MAX_LIMIT} listed, {@link #setMaxRedriven(int) maxRedriven} redriven (redrive
 * again for the rest), and each within the {@link #setTimeout(Duration) timeout}. Arguments
 * that are not valid are refused with an {@link IllegalArgumentException} that says why.
 * <p>
 * One instance reads and writes one Kafka cluster, the one its consumers and producer
 * connect to: its dead-letter topics, its ledger and its queue topics. A redrive never
 * crosses clusters; {@link ClusterDeadLetters} holds one instance per cluster.
 *
 * @author kafka-task
 */
public class DeadLetters implements BackendDeadLetters {

	private static final Log logger = LogFactory.getLog(DeadLetters.class);

	private static final Pattern QUEUE_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

	/**
	 * Redriven records sent in one transaction at most, so that no transaction stays open
	 * long in the queue's topic: read-committed workers wait behind an open one.
	 */
	private static final int TRANSACTION_RECORDS = 100;

	private static final Duration TRANSACTION_TIME = Duration.ofSeconds(1);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final Supplier<Producer<String, byte[]>> producerFactory;

	private final TaskTopics topics;

	private final Predicate<String> knownQueue;

	private final Supplier<? extends Collection<String>> priorityQueues;

	private final DeadLetterRecords records;

	private final RedriveLedger ledger;

	private final Clock clock;

	private final ReentrantLock redriving = new ReentrantLock();

	private TaskObserver observer = TaskObserver.NONE;

	private String cluster = Route.DEFAULT_CLUSTER;

	private @Nullable DelayRoutes routes;

	private @Nullable DelayTiers tiers;

	private int maxScanned = 100_000;

	private int maxRedriven = 10_000;

	private int maxLedgerRecords = 1_000_000;

	private Duration timeout = Duration.ofSeconds(60);

	/**
	 * Create the dead letters.
	 * @param consumerFactory creates consumers of no group that read committed records
	 * @param producerFactory creates the transactional producer of a redrive, its
	 * transactional id the same for every redrive of the topics
	 * @param topics names the topics of queues
	 * @param knownQueue whether a queue is one of the application's
	 * @param priorityQueues the queues with a high-priority topic
	 * @param codec reads and writes envelopes
	 * @param ledger what was redriven
	 * @param clock the clock
	 */
	public DeadLetters(ConsumerFactory<String, byte[]> consumerFactory,
			Supplier<Producer<String, byte[]>> producerFactory, TaskTopics topics, Predicate<String> knownQueue,
			Supplier<? extends Collection<String>> priorityQueues, EnvelopeCodec codec, RedriveLedger ledger,
			Clock clock) {
		this.consumerFactory = consumerFactory;
		this.producerFactory = producerFactory;
		this.topics = topics;
		this.knownQueue = knownQueue;
		this.priorityQueues = priorityQueues;
		this.records = new DeadLetterRecords(codec);
		this.ledger = ledger;
		this.clock = clock;
	}

	/**
	 * Set the most records one call reads from the dead-letter topics (100,000 by default).
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
	 * Set the most records of the ledger read (1,000,000 by default): a redrive that cannot
	 * read the whole ledger fails rather than redrive anything twice.
	 * @param maxLedgerRecords the bound
	 */
	public void setMaxLedgerRecords(int maxLedgerRecords) {
		Assert.isTrue(maxLedgerRecords > 0, "'maxLedgerRecords' must be positive");
		this.maxLedgerRecords = maxLedgerRecords;
	}

	/**
	 * Set how long one read of the dead-letter topics, or of the ledger, may take (60 s by
	 * default).
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

	/**
	 * Set the name of the Kafka cluster these dead letters are on, for logs, errors and the
	 * client id of their consumers ({@value Route#DEFAULT_CLUSTER} by default).
	 * @param cluster the cluster's name
	 */
	public void setCluster(String cluster) {
		Assert.hasText(cluster, "'cluster' must not be empty");
		this.cluster = cluster;
	}

	/**
	 * Set where a redriven task goes when its queue is routed to another Kafka cluster than
	 * this one: a redrive's transaction cannot span two clusters, so it writes the task to this
	 * cluster's first delay tier, due at once, and this cluster's delay forwarder moves it to
	 * where the queue is routed. Without routes, every redrive goes to this cluster's topic of
	 * the queue.
	 * @param routes the routes, whose own cluster is this one
	 * @param tiers the delay tiers of this cluster
	 */
	public void setRoutes(DelayRoutes routes, DelayTiers tiers) {
		this.routes = routes;
		this.tiers = tiers;
	}

	/**
	 * Return the name of the Kafka cluster these dead letters are on.
	 * @return the cluster's name
	 */
	public String getCluster() {
		return this.cluster;
	}

	@Override
	public Backend backend() {
		return Backend.KAFKA;
	}

	public RedriveLedger getLedger() {
		return this.ledger;
	}

	/**
	 * Return the dead-letter topics of a queue, each with the topic its dead letters are
	 * redriven to.
	 * @param queue the queue
	 * @return the topics by dead-letter topic
	 * @throws IllegalArgumentException if the queue is not one of the application's, or
	 * names a topic of kafka-task's own (dead letters, high priority, internal topics)
	 */
	public Map<String, String> deadLetterTopics(String queue) {
		checkQueue(queue);
		Map<String, String> topics = new LinkedHashMap<>();
		String topic = this.topics.topic(queue);
		topics.put(this.topics.deadLetterTopic(topic), topic);
		if (this.priorityQueues.get().contains(queue)) {
			String high = this.topics.highPriorityTopic(queue);
			topics.put(this.topics.deadLetterTopic(high), high);
		}
		return topics;
	}

	/**
	 * List the dead letters of a queue that match a filter, oldest first, each with when it
	 * was redriven, if it was.
	 * @param queue the queue
	 * @param filter which dead letters
	 * @param limit most to list, 1 to {@value #MAX_LIMIT}
	 * @return the dead letters
	 * @throws IllegalArgumentException if the queue or the limit is not valid
	 * @throws IllegalStateException if the ledger could not be read in full
	 */
	@Override
	public DeadLetterList list(String queue, DeadLetterFilter filter, int limit) {
		Map<String, String> deadLetterTopics = deadLetterTopics(queue);
		Assert.isTrue(filter != null, "'filter' must not be null");
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("'limit' must be between 1 and " + MAX_LIMIT + ": " + limit);
		}
		List<String> dlts = List.copyOf(deadLetterTopics.keySet());
		Consumer<String, byte[]> consumer = consumer();
		try {
			Map<String, Instant> redriven = this.ledger.read(consumer, dlts, this.maxLedgerRecords, this.timeout);
			List<DeadLetter> found = new ArrayList<>();
			TopicScan.Outcome outcome = TopicScan.scan(consumer, dlts, filter.from(), this.maxScanned, this.timeout,
					(record) -> {
						DeadLetter deadLetter = this.records.read(record).deadLetter();
						if (!filter.matches(deadLetter)) {
							return true;
						}
						if (found.size() == limit) {
							return false;
						}
						found.add(deadLetter.withRedrivenAt(redriven.get(RedriveLedger.key(deadLetter))));
						return true;
					});
			found.sort(OLDEST_FIRST);
			return new DeadLetterList(queue, found, outcome.scanned(), outcome.complete());
		}
		finally {
			close(consumer);
		}
	}

	/**
	 * Redrive the dead letters of a queue that match a filter to the queue's topic, each
	 * once; or, in a dry run, say what would go and send nothing.
	 * @param queue the queue
	 * @param filter which dead letters
	 * @param dryRun whether to send nothing
	 * @return what went, or would go, and what was skipped
	 * @throws IllegalArgumentException if the queue is not valid
	 * @throws IllegalStateException if the ledger could not be read in full, or the redrive
	 * failed on the way (what was redriven before stays redriven: redrive again for the
	 * rest)
	 */
	@Override
	public RedriveResult redrive(String queue, DeadLetterFilter filter, boolean dryRun) {
		Map<String, String> deadLetterTopics = deadLetterTopics(queue);
		Assert.isTrue(filter != null, "'filter' must not be null");
		// one redrive at a time in this instance; the transactional id fences other instances
		this.redriving.lock();
		try {
			return dryRun ? run(queue, deadLetterTopics, filter, null) : redrive(queue, deadLetterTopics, filter);
		}
		finally {
			this.redriving.unlock();
		}
	}

	private RedriveResult redrive(String queue, Map<String, String> deadLetterTopics, DeadLetterFilter filter) {
		Producer<String, byte[]> producer = this.producerFactory.get();
		Transactions transactions = new Transactions(producer);
		try {
			// fences a redrive still running elsewhere, and waits for its last transaction
			producer.initTransactions();
			RedriveResult result = run(queue, deadLetterTopics, filter, transactions);
			transactions.commit();
			this.observer.redriven(queue, Backend.KAFKA, this.cluster, result.redriven().size(),
					result.skippedCount());
			logger.info("Redrove " + result.redriven().size() + " dead letters of queue '" + queue + "'"
					+ onCluster() + " ("
					+ result.skippedCount() + " skipped, " + result.scanned() + " read" + (result.complete() ? ""
							: ", more to redrive") + ")");
			return result;
		}
		catch (RuntimeException ex) {
			transactions.abort();
			this.observer.redriven(queue, Backend.KAFKA, this.cluster, transactions.committed, 0);
			throw new IllegalStateException("Redrive of queue '" + queue + "'" + onCluster() + " failed after "
					+ transactions.committed
					+ " dead letters were redriven (they stay redriven; redrive again for the rest): " + ex, ex);
		}
		finally {
			producer.close(CLOSE_TIMEOUT);
		}
	}

	private RedriveResult run(String queue, Map<String, String> deadLetterTopics, DeadLetterFilter filter,
			@Nullable Transactions transactions) {
		List<String> dlts = List.copyOf(deadLetterTopics.keySet());
		Consumer<String, byte[]> consumer = consumer();
		try {
			Map<String, Instant> redriven = new HashMap<>(
					this.ledger.read(consumer, dlts, this.maxLedgerRecords, this.timeout));
			List<DeadLetter> went = new ArrayList<>();
			List<RedriveResult.Skipped> skipped = new ArrayList<>();
			int[] skippedCount = { 0 };
			TopicScan.Outcome outcome = TopicScan.scan(consumer, dlts, filter.from(), this.maxScanned, this.timeout,
					(record) -> {
						if (transactions != null) {
							transactions.commitIfDue();
						}
						DeadLetterRecords.Read read = this.records.read(record);
						DeadLetter deadLetter = read.deadLetter();
						if (!filter.matches(deadLetter)) {
							return true;
						}
						String key = RedriveLedger.key(deadLetter);
						Instant at = redriven.get(key);
						RedriveResult.SkipReason unredrivable = read.unredrivable();
						if (at != null || unredrivable != null) {
							if (skippedCount[0]++ < MAX_LIMIT) {
								skipped.add((at != null) ? alreadyRedriven(deadLetter.withRedrivenAt(at))
										: unredrivable(deadLetter, unredrivable));
							}
							return true;
						}
						if (went.size() >= this.maxRedriven) {
							return false;
						}
						Instant now = this.clock.instant();
						if (transactions != null) {
							String target = deadLetterTopics.get(record.topic());
							transactions.send(routed(this.records.redriven(record, read, target), deadLetter, queue, now),
									this.ledger.entry(deadLetter, target, now));
							deadLetter = deadLetter.withRedrivenAt(now);
						}
						redriven.put(key, now);
						went.add(deadLetter);
						return true;
					});
			went.sort(OLDEST_FIRST);
			return new RedriveResult(queue, transactions == null, went, skipped, skippedCount[0],
					outcome.scanned(), outcome.complete());
		}
		finally {
			close(consumer);
		}
	}

	private ProducerRecord<String, byte[]> routed(ProducerRecord<String, byte[]> record, DeadLetter deadLetter,
			String queue, Instant now) {
		DelayRoutes routes = this.routes;
		DelayTiers tiers = this.tiers;
		String task = deadLetter.task();
		String taskId = deadLetter.taskId();
		return (routes != null && tiers != null && task != null && taskId != null)
				? routes.routed(record, task, taskId, queue, tiers, now) : record;
	}

	private static RedriveResult.Skipped alreadyRedriven(DeadLetter deadLetter) {
		return new RedriveResult.Skipped(deadLetter, RedriveResult.SkipReason.ALREADY_REDRIVEN,
				"Redriven at " + deadLetter.redrivenAt() + " (this dead letter, or a copy of it with the same task id"
						+ " and redrive count)");
	}

	private static RedriveResult.Skipped unredrivable(DeadLetter deadLetter, RedriveResult.SkipReason reason) {
		String detail = switch (reason) {
			case PAYLOAD_OMITTED -> "Its payload (" + deadLetter.payloadSize() + " bytes) was too large to be "
					+ "dead-lettered: it is only in the task's topic, at the offset its "
					+ "kafka-task-dlt-original-* headers name, until that topic's retention";
			case NO_PAYLOAD -> "It has no payload to redrive";
			case ALREADY_REDRIVEN -> "Redriven before";
		};
		return new RedriveResult.Skipped(deadLetter, reason, detail);
	}

	private void checkQueue(String queue) {
		if (queue == null || queue.isBlank()) {
			throw new IllegalArgumentException("'queue' must not be blank");
		}
		boolean own = queue.endsWith(TaskTopics.DEAD_LETTER_SUFFIX) || queue.endsWith(".dlq")
				|| queue.endsWith(TaskTopics.HIGH_PRIORITY_SUFFIX) || queue.contains("__");
		if (!QUEUE_NAME.matcher(queue).matches() || own || !this.knownQueue.test(queue)) {
			String shown = (queue.length() > 64) ? queue.substring(0, 64) + "..." : queue;
			throw new IllegalArgumentException("Unknown queue '" + shown + "': name a queue of this application (a "
					+ "task's queue, kafka-task.kafka.queues, kafka-task.worker.queues, kafka-task.kafka.priority-queues "
					+ "or a routing rule's), not a dead-letter, high-priority or internal topic");
		}
	}

	private String onCluster() {
		return Route.DEFAULT_CLUSTER.equals(this.cluster) ? "" : " on Kafka cluster '" + this.cluster + "'";
	}

	private Consumer<String, byte[]> consumer() {
		String clientId = Route.DEFAULT_CLUSTER.equals(this.cluster) ? "kafka-task-dead-letters"
				: "kafka-task-dead-letters-" + this.cluster;
		return this.consumerFactory.createConsumer(null, clientId, null);
	}

	private static void close(Consumer<String, byte[]> consumer) {
		try {
			consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
		}
		catch (RuntimeException ex) {
			logger.debug("Could not close the dead letters' consumer cleanly", ex);
		}
	}

	private static final Comparator<DeadLetter> OLDEST_FIRST = Comparator.comparing(DeadLetter::deadLetteredAt)
		.thenComparing(DeadLetter::topic)
		.thenComparingInt(DeadLetter::partition)
		.thenComparingLong(DeadLetter::offset);

	/**
	 * The transactions of one redrive: the redriven copies and their ledger records together,
	 * a few at a time, so that none stays open long.
	 */
	private static final class Transactions {

		private final Producer<String, byte[]> producer;

		private int pending;

		private long openedAt;

		private int committed;

		Transactions(Producer<String, byte[]> producer) {
			this.producer = producer;
		}

		void send(ProducerRecord<String, byte[]> redriven,
				ProducerRecord<String, byte[]> entry) {
			if (this.pending == 0) {
				this.producer.beginTransaction();
				this.openedAt = System.nanoTime();
			}
			this.producer.send(redriven);
			this.producer.send(entry);
			this.pending++;
			if (this.pending >= TRANSACTION_RECORDS) {
				commit();
			}
		}

		void commitIfDue() {
			if (this.pending > 0 && System.nanoTime() - this.openedAt > TRANSACTION_TIME.toNanos()) {
				commit();
			}
		}

		void commit() {
			if (this.pending > 0) {
				this.producer.commitTransaction();
				this.committed += this.pending;
				this.pending = 0;
			}
		}

		void abort() {
			if (this.pending > 0) {
				this.pending = 0;
				try {
					this.producer.abortTransaction();
				}
				catch (RuntimeException ex) {
					logger.debug("Could not abort a redrive's transaction; it times out", ex);
				}
			}
		}

	}

}
