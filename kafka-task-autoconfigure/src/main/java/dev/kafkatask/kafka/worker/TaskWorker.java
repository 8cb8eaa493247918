package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.util.Assert;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.routing.Route;

/**
 * A Kafka worker: one consumer thread polls the task topics and hands records to a bounded
 * set of in-flight tasks, each run on its own virtual thread, so that a slow task never holds
 * back the other records of its partition. Offsets are committed per partition only up to
 * the lowest record that has not finished, so a crash loses nothing: at worst unfinished
 * tasks run again.
 *
 * @author kafka-task
 * @see PollLoop
 */
public class TaskWorker implements SmartLifecycle {

	/**
	 * Lifecycle phase of workers: late to start, early to stop, like Spring Kafka's.
	 */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 100;

	private static final Log logger = LogFactory.getLog(TaskWorker.class);

	private static final Duration STOP_MARGIN = Duration.ofSeconds(90);

	/**
	 * Name of the worker's consumer thread among background threads (the {@code thread} tag
	 * of {@code kafka.task.background.failures}).
	 */
	public static final String THREAD = "worker";

	private static final Duration PREVIOUS_THREAD_WAIT = Duration.ofSeconds(5);

	private final Lock lifecycleLock = new ReentrantLock();

	private final WorkerSettings settings;

	/**
	 * Ends the names of its consumer and threads: empty on the default cluster.
	 */
	private volatile String clusterSuffix = "";

	private volatile String cluster = Route.DEFAULT_CLUSTER;

	private final Supplier<ConsumerFactory<String, byte[]>> consumerFactory;

	private final Supplier<? extends Collection<String>> topics;

	private final TaskRecordHandler handler;

	private final TaskObserver observer;

	private volatile @Nullable PollLoop loop;

	private volatile @Nullable TopicStates topicStates;

	private volatile @Nullable TopicStates shareTopicStates;

	private volatile @Nullable ShareConsumption share;

	private volatile @Nullable ShareLoops shareLoops;

	private volatile @Nullable Thread consumerThread;

	private volatile @Nullable CountDownLatch stopRequested;

	private boolean autoStartup = true;

	private int platformThreads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

	private Predicate<String> runsOnPlatformThreads = (task) -> false;

	private @Nullable ThreadFactory taskThreadFactory;

	private @Nullable ThreadFactory platformThreadFactory;

	public TaskWorker(WorkerSettings settings, ConsumerFactory<String, byte[]> consumerFactory,
			Supplier<? extends Collection<String>> topics, TaskRecordHandler handler, TaskObserver observer) {
		this(settings, () -> consumerFactory, topics, handler, observer);
	}

	/**
	 * Create a worker whose consumer factory is made when it starts: whatever it needs to
	 * ask the brokers first (such as the group protocol they support) is not asked while the
	 * application context refreshes.
	 * @param settings the settings
	 * @param consumerFactory makes the consumer factory, at each start
	 * @param topics the topics to consume
	 * @param handler takes each record to its outcome
	 * @param observer is told what happens
	 */
	public TaskWorker(WorkerSettings settings, Supplier<ConsumerFactory<String, byte[]>> consumerFactory,
			Supplier<? extends Collection<String>> topics, TaskRecordHandler handler, TaskObserver observer) {
		this.settings = settings;
		this.consumerFactory = consumerFactory;
		this.topics = topics;
		this.handler = handler;
		this.observer = observer;
	}

	/**
	 * Set the Kafka cluster this worker consumes, when it is not the default one, before
	 * {@link #start()}: its consumer's client id and its threads' names carry it, so that
	 * the workers of two clusters in one application are told apart in meters, MBeans and
	 * thread dumps.
	 * @param cluster the cluster's name
	 */
	public void setCluster(String cluster) {
		this.cluster = cluster;
		this.clusterSuffix = Route.DEFAULT_CLUSTER.equals(cluster) ? "" : "-" + cluster;
	}

	@Override
	public final void start() {
		this.lifecycleLock.lock();
		try {
			if (!isRunning()) {
				doStart();
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	protected void doStart() {
		Thread previous = this.consumerThread;
		if (previous != null && previous.isAlive()) {
			try {
				// A supervisor that was backing off ends as soon as it sees the stop.
				previous.join(PREVIOUS_THREAD_WAIT);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		if (previous != null && previous.isAlive()) {
			throw new IllegalStateException("Task consumer of group '" + this.settings.groupId()
					+ "' is still stopping; start it again once it stopped");
		}
		TopicStates states = topicStates();
		Set<String> topicsToConsume = states.subscribed();
		if (topicsToConsume.isEmpty()) {
			logger.info("Task consumer of group '" + this.settings.groupId() + "' has no queues to consume yet");
		}
		PollLoop first = newLoop(states);
		CountDownLatch stopRequested = new CountDownLatch(1);
		this.stopRequested = stopRequested;
		this.loop = first;
		this.consumerThread = Thread.ofPlatform()
			.name("kafka-task-consumer-" + name())
			.daemon(false)
			.start(new PollLoopSupervisor(this.settings.groupId(), first, stopRequested,
					() -> restart(stopRequested), this.observer));
		logger.info("Task consumer of group '" + this.settings.groupId() + "' started on " + topicsToConsume);
		ShareLoops shareLoops = this.shareLoops;
		if (shareLoops != null) {
			shareLoops.start(stopRequested);
		}
	}

	private ShareLoop newShareLoop(ShareConsumption share, TopicStates states, int index) {
		String name = share.settings().groupId() + this.clusterSuffix + "-" + index;
		ThreadFactory taskThreads = (this.taskThreadFactory != null) ? this.taskThreadFactory
				: Thread.ofVirtual().name("kafka-task-" + name + "-", 0).factory();
		ThreadFactory cpuThreads = (this.platformThreadFactory != null) ? this.platformThreadFactory
				: Thread.ofPlatform().name("kafka-task-cpu-" + name + "-", 0).daemon(true).factory();
		return new ShareLoop(share.settings(), share.consumers().get(), share.group(), states, index == 0,
				this.handler, Executors.newThreadPerTaskExecutor(taskThreads),
				new PlatformThreadPool(this.platformThreads, this.platformThreads, cpuThreads),
				this.runsOnPlatformThreads, this.observer);
	}

	private String name() {
		return this.settings.groupId() + this.clusterSuffix;
	}

	private PollLoop newLoop(TopicStates states) {
		Consumer<String, byte[]> consumer = this.consumerFactory.get().createConsumer(this.settings.groupId(),
				"kafka-task-" + name(), null);
		ThreadFactory taskThreads = (this.taskThreadFactory != null) ? this.taskThreadFactory
				: Thread.ofVirtual().name("kafka-task-" + name() + "-", 0).factory();
		ThreadFactory cpuThreads = (this.platformThreadFactory != null) ? this.platformThreadFactory
				: Thread.ofPlatform().name("kafka-task-cpu-" + name() + "-", 0).daemon(true).factory();
		ExecutorService virtualThreads = Executors.newThreadPerTaskExecutor(taskThreads);
		PlatformThreadPool platformThreads = new PlatformThreadPool(this.platformThreads, this.platformThreads,
				cpuThreads);
		PollLoop loop = new PollLoop(this.settings, consumer, states, this.handler, virtualThreads, platformThreads,
				this.runsOnPlatformThreads, this.observer);
		loop.setCluster(this.cluster);
		return loop;
	}

	/**
	 * Replace a failed poll loop with a new one, unless the worker was stopped meanwhile.
	 * @return the new loop, or {@code null} if the worker was stopped
	 */
	private @Nullable PollLoop restart(CountDownLatch stopRequested) {
		this.lifecycleLock.lock();
		try {
			if (stopRequested.getCount() == 0) {
				return null;
			}
			PollLoop next = newLoop(topicStates());
			this.loop = next;
			return next;
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	@Nullable Thread consumerThread() {
		return this.consumerThread;
	}

	@Override
	public final void stop() {
		this.lifecycleLock.lock();
		try {
			if (this.loop != null) {
				doStop();
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	protected void doStop() {
		PollLoop current = this.loop;
		if (current == null) {
			return;
		}
		CountDownLatch stopRequested = this.stopRequested;
		if (stopRequested != null) {
			stopRequested.countDown();
		}
		current.requestStop();
		ShareLoops shareLoops = this.shareLoops;
		try {
			// Beyond the shutdown timeout: the final commit and leaving the group.
			if (shareLoops != null) {
				shareLoops.stop(this.settings.shutdownTimeout().plus(STOP_MARGIN));
			}
			if (!current.awaitStopped(this.settings.shutdownTimeout().plus(STOP_MARGIN))) {
				logger.warn("Task consumer of group '" + this.settings.groupId() + "' did not stop within "
						+ this.settings.shutdownTimeout().plus(STOP_MARGIN) + "; it goes on stopping in the background");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.loop = null;
		logger.info("Task consumer of group '" + this.settings.groupId() + "' stopped");
	}

	/**
	 * Return whether the worker is started and not stopped. It is also while its consumer,
	 * having failed, waits to start again: {@link #getFailure()} tells why meanwhile.
	 * @return whether the worker runs
	 */
	@Override
	public boolean isRunning() {
		return this.loop != null;
	}

	/**
	 * Return whether the worker's consumer is polling now: started, and not failed and
	 * waiting to start again.
	 * @return whether the consumer polls
	 */
	public boolean isConsuming() {
		PollLoop current = this.loop;
		ShareLoops shareLoops = this.shareLoops;
		return current != null && current.isRunning() && (shareLoops == null || shareLoops.isRunning());
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	/**
	 * Set the size of the platform thread pool of CPU-heavy tasks. Defaults to the number of
	 * processors less one, at least one, so that I/O tasks on virtual threads keep a carrier.
	 * @param platformThreads the pool size
	 */
	public void setPlatformThreads(int platformThreads) {
		this.platformThreads = platformThreads;
	}

	/**
	 * Set which tasks, by name, run on the platform thread pool instead of virtual threads.
	 * @param runsOnPlatformThreads tells the tasks that run on platform threads
	 */
	public void setRunsOnPlatformThreads(Predicate<String> runsOnPlatformThreads) {
		this.runsOnPlatformThreads = runsOnPlatformThreads;
	}

	/**
	 * Consume some of the worker's topics with a share group instead of its consumer group.
	 * Set before the worker first starts.
	 * @param share what the share consumers need, or {@code null} to consume every topic with
	 * the consumer group
	 */
	public void setShareConsumption(@Nullable ShareConsumption share) {
		Assert.state(this.topicStates == null, "The share consumption must be set before the worker starts");
		this.share = share;
	}

	/**
	 * Return how the worker consumes a topic.
	 * @param topic the topic
	 * @return the consumption mode
	 */
	public ConsumptionMode getConsumptionMode(String topic) {
		ShareConsumption share = this.share;
		return (share != null && share.topics().test(topic)) ? ConsumptionMode.SHARE : ConsumptionMode.GROUP;
	}

	/**
	 * Set the factory of the threads tasks run on, one thread per task. Defaults to virtual
	 * threads named {@code kafka-task-<group>-<n>}. A factory that wraps them (to carry a
	 * context, or name them otherwise) should still make virtual threads: with platform
	 * threads, each task in flight holds an operating-system thread.
	 * @param taskThreadFactory the factory, or {@code null} for the default
	 */
	public void setTaskThreadFactory(@Nullable ThreadFactory taskThreadFactory) {
		this.taskThreadFactory = taskThreadFactory;
	}

	/**
	 * Set the factory of the platform threads of tasks marked {@code threads = PLATFORM}.
	 * Defaults to daemon threads named {@code kafka-task-cpu-<group>-<n>}.
	 * @param platformThreadFactory the factory, or {@code null} for the default
	 */
	public void setPlatformThreadFactory(@Nullable ThreadFactory platformThreadFactory) {
		this.platformThreadFactory = platformThreadFactory;
	}

	/**
	 * Return the handler that takes each record to its outcome.
	 * @return the record handler
	 */
	public TaskRecordHandler getRecordHandler() {
		return this.handler;
	}

	@Override
	public int getPhase() {
		return DEFAULT_PHASE;
	}

	/**
	 * Return why the consumer thread stopped on its own, if it did.
	 * @return the failure, or {@code null}
	 */
	public @Nullable Throwable getFailure() {
		PollLoop current = this.loop;
		if (current == null) {
			return null;
		}
		if (current.failure() != null) {
			return current.failure();
		}
		ShareLoops shareLoops = this.shareLoops;
		return (shareLoops != null) ? shareLoops.failure() : null;
	}

	/**
	 * Return the worker's settings.
	 * @return the settings
	 */
	public WorkerSettings getSettings() {
		return this.settings;
	}

	/**
	 * Return the topics the worker consumes (those not stopped), empty before it started.
	 * @return the topics
	 */
	public List<String> getTopics() {
		TopicStates states = this.topicStates;
		if (states == null) {
			return List.of();
		}
		Set<String> topics = new TreeSet<>(states.subscribed());
		TopicStates shared = this.shareTopicStates;
		if (shared != null) {
			topics.addAll(shared.subscribed());
		}
		return List.copyOf(topics);
	}

	/**
	 * Return the state of each topic the worker knows.
	 * @return the states by topic
	 */
	public Map<String, ConsumerState> getTopicStates() {
		Map<String, ConsumerState> states = topicStates().all();
		TopicStates shared = this.shareTopicStates;
		if (shared != null) {
			states.putAll(shared.all());
		}
		return states;
	}

	/**
	 * Start, pause, drain or stop consuming a topic. A stopped topic is left (its partitions
	 * go to other members of the group, after its running tasks finished and were
	 * committed); a paused one is kept but not fetched; a draining one is consumed until this
	 * worker has read all of its partitions and finished their tasks, then stopped.
	 * @param topic the topic
	 * @param state the wanted state
	 */
	public void setTopicState(String topic, ConsumerState state) {
		TopicStates groupStates = topicStates();
		TopicStates shared = this.shareTopicStates;
		if (getConsumptionMode(topic) == ConsumptionMode.SHARE && shared != null) {
			shared.set(topic, state);
			ShareLoops shareLoops = this.shareLoops;
			if (shareLoops != null) {
				shareLoops.wakeUp();
			}
			return;
		}
		groupStates.set(topic, state);
		PollLoop current = this.loop;
		if (current != null) {
			current.wakeUp();
		}
	}

	/**
	 * Return the states of the topics of the consumer group, making them (and those of the
	 * share group) on first use.
	 */
	private TopicStates topicStates() {
		TopicStates states = this.topicStates;
		if (states == null) {
			this.lifecycleLock.lock();
			try {
				states = this.topicStates;
				if (states == null) {
					List<String> groupTopics = new ArrayList<>();
					List<String> shareTopics = new ArrayList<>();
					for (String topic : this.topics.get()) {
						(getConsumptionMode(topic) == ConsumptionMode.SHARE ? shareTopics : groupTopics).add(topic);
					}
					TopicStates shared = new TopicStates(shareTopics);
					this.shareTopicStates = shared;
					ShareConsumption share = this.share;
					if (share != null) {
						this.shareLoops = new ShareLoops(share, shared,
								(index) -> newShareLoop(share, shared, index), this.observer, this.clusterSuffix);
					}
					states = new TopicStates(groupTopics);
					this.topicStates = states;
				}
			}
			finally {
				this.lifecycleLock.unlock();
			}
		}
		return states;
	}

	/**
	 * Return the partitions currently assigned to the worker.
	 * @return the assignment
	 */
	public Set<TopicPartition> getAssignment() {
		PollLoop current = this.loop;
		return (current != null) ? current.assignment() : Set.of();
	}

	/**
	 * Return the state of each assigned partition: tasks running, records waiting, paused or
	 * not, offset committed. Safe to call from any thread.
	 * @return the partition states, by topic and partition
	 */
	public List<PartitionState> getPartitions() {
		PollLoop current = this.loop;
		return (current != null) ? current.partitions() : List.of();
	}

	/**
	 * Return how many tasks are running.
	 * @return the in-flight count
	 */
	public int getInFlight() {
		PollLoop current = this.loop;
		ShareLoops shareLoops = this.shareLoops;
		return (current != null) ? current.inFlight() + ((shareLoops != null) ? shareLoops.inFlight() : 0) : 0;
	}

	/**
	 * Return how long ago a task of this worker last finished or its offsets were last
	 * committed; zero when the worker does not run.
	 * @return the time since progress
	 */
	public Duration getTimeSinceProgress() {
		PollLoop current = this.loop;
		if (current == null) {
			return Duration.ZERO;
		}
		ShareLoops shareLoops = this.shareLoops;
		return (shareLoops != null) ? shareLoops.sinceProgress(current.sinceProgress()) : current.sinceProgress();
	}

	/**
	 * Return, per assigned partition with a record that has not finished, the lowest such
	 * record: the commit waits for it. Safe to call from any thread.
	 * @return the oldest unfinished records, by partition
	 */
	public Map<TopicPartition, OffsetTracker.OldestUnfinished> getOldestUnfinished() {
		PollLoop current = this.loop;
		return (current != null) ? current.oldestUnfinished() : Map.of();
	}

	/**
	 * Return how many polled records wait to start.
	 * @return the waiting count
	 */
	public int getWaiting() {
		PollLoop current = this.loop;
		return (current != null) ? current.waiting() : 0;
	}

	/**
	 * Return how many tasks of one topic are running.
	 * @param topic the topic
	 * @return the in-flight count
	 */
	public int getInFlight(String topic) {
		PollLoop current = this.loop;
		ShareLoops shareLoops = this.shareLoops;
		return (current != null) ? current.inFlight(topic) + ((shareLoops != null) ? shareLoops.inFlight(topic) : 0)
				: 0;
	}

}
