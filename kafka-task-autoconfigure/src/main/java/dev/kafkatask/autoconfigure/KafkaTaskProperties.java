package dev.kafkatask.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.kafkatask.kafka.GroupProtocolMode;
import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.kafka.worker.OrderingMode;
import dev.kafkatask.options.UnsupportedOptionPolicy;
import dev.kafkatask.page.TaskPagePath;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.OnUnavailable;
import dev.kafkatask.routing.Route;
import dev.kafkatask.routing.RoutingRules;
import dev.kafkatask.routing.StickyKey;

/**
 * Configuration properties of kafka-task.
 *
 * @author kafka-task
 */
@ConfigurationProperties(prefix = "kafka-task", ignoreUnknownFields = false)
public class KafkaTaskProperties {

	/**
	 * Whether kafka-task is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Queue of tasks that name none, neither in @KafkaTask nor in the dispatch.
	 */
	private String defaultQueue = "default";

	private final Kafka kafka = new Kafka();

	private final Worker worker = new Worker();

	private final Routing routing = new Routing();

	private final Rabbitmq rabbitmq = new Rabbitmq();

	private final Metrics metrics = new Metrics();

	private final Dispatch dispatch = new Dispatch();

	private final Canvas canvas = new Canvas();

	private final Events events = new Events();

	private final Revoke revoke = new Revoke();

	/**
	 * What happens to a dispatch that sets a task option its backend does not support:
	 * 'reject' (the dispatch fails naming the option), 'route-to-rabbit' (the task goes to
	 * RabbitMQ if RabbitMQ supports it) or 'ignore' (the option is dropped, with a warning).
	 */
	private UnsupportedOptionPolicy unsupportedOptions = UnsupportedOptionPolicy.REJECT;

	/**
	 * Settings of tasks by task name: their owner, unsupported-option policy and Celery
	 * options overriding the annotation's, for example
	 * 'kafka-task.tasks.[billing.charge].max-retries=5'.
	 */
	private final Map<String, TaskProperties> tasks = new LinkedHashMap<>();

	/**
	 * Team that owns each queue, by queue name: the 'owner' tag of the meters of the queue
	 * and of its tasks that name no owner of their own ('kafka-task.tasks.[name].owner' or
	 * '@KafkaTask(owner)').
	 */
	private final Map<String, String> queueOwners = new LinkedHashMap<>();

	private final Observation observation = new Observation();

	private final Beat beat = new Beat();

	private final Page page = new Page();

	/**
	 * Periodic tasks by schedule name, like Celery's beat_schedule: the task, its cron
	 * expression or fixed rate, arguments, options and missed-slot policy, for example
	 * 'kafka-task.schedules.[reports.nightly].cron=0 0 2 * * *'. A schedule replaces one of
	 * the same name declared with @KafkaTaskSchedule.
	 */
	private final Map<String, ScheduleProperties> schedules = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getDefaultQueue() {
		return this.defaultQueue;
	}

	public void setDefaultQueue(String defaultQueue) {
		this.defaultQueue = defaultQueue;
	}

	public Kafka getKafka() {
		return this.kafka;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public Routing getRouting() {
		return this.routing;
	}

	public UnsupportedOptionPolicy getUnsupportedOptions() {
		return this.unsupportedOptions;
	}

	public void setUnsupportedOptions(UnsupportedOptionPolicy unsupportedOptions) {
		this.unsupportedOptions = unsupportedOptions;
	}

	public Map<String, TaskProperties> getTasks() {
		return this.tasks;
	}

	public Map<String, String> getQueueOwners() {
		return this.queueOwners;
	}

	public Rabbitmq getRabbitmq() {
		return this.rabbitmq;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Dispatch getDispatch() {
		return this.dispatch;
	}

	public Canvas getCanvas() {
		return this.canvas;
	}

	public Events getEvents() {
		return this.events;
	}

	public Revoke getRevoke() {
		return this.revoke;
	}

	/**
	 * Which backend takes each dispatch. The most specific rule wins: task, then queue, then
	 * the default backend.
	 */
	public static class Routing {

		/**
		 * Backend of dispatches that no task or queue rule matches: 'kafka' or 'rabbitmq'.
		 */
		private Backend defaultBackend = Backend.KAFKA;

		/**
		 * What keeps a ramped dispatch on its route: 'task-id' (retries keep their route) or
		 * 'key' (the dispatch's partitioning key, else the task id).
		 */
		private StickyKey stickyBy = StickyKey.TASK_ID;

		/**
		 * Routes by queue name.
		 */
		private final Map<String, RouteRule> queues = new LinkedHashMap<>();

		/**
		 * Routes by task name. Names with dots are written in brackets:
		 * 'kafka-task.routing.tasks.[billing.charge].backend'.
		 */
		private final Map<String, RouteRule> tasks = new LinkedHashMap<>();

		public Backend getDefaultBackend() {
			return this.defaultBackend;
		}

		public void setDefaultBackend(Backend defaultBackend) {
			this.defaultBackend = defaultBackend;
		}

		public StickyKey getStickyBy() {
			return this.stickyBy;
		}

		public void setStickyBy(StickyKey stickyBy) {
			this.stickyBy = stickyBy;
		}

		public Map<String, RouteRule> getQueues() {
			return this.queues;
		}

		public Map<String, RouteRule> getTasks() {
			return this.tasks;
		}

		/**
		 * Return the routing rules these properties describe.
		 * @return the rules
		 */
		public RoutingRules toRules() {
			Map<String, Route> queueRoutes = new LinkedHashMap<>();
			this.queues.forEach((queue, rule) -> queueRoutes.put(queue, rule.toRoute(this.defaultBackend)));
			Map<String, Route> taskRoutes = new LinkedHashMap<>();
			this.tasks.forEach((task, rule) -> taskRoutes.put(task, rule.toRoute(this.defaultBackend)));
			return new RoutingRules(this.defaultBackend, queueRoutes, taskRoutes, this.stickyBy);
		}

	}

	/**
	 * Where the dispatches of one queue or task go.
	 */
	public static class RouteRule {

		/**
		 * Backend that takes the dispatches, outside the ramp's share. Defaults to the
		 * routing's default backend.
		 */
		private @Nullable Backend backend;

		/**
		 * Kafka cluster that takes the dispatches when the backend is Kafka: a name under
		 * 'kafka-task.kafka.clusters', or 'default' for the 'spring.kafka.*' cluster. Naming
		 * a cluster implies the Kafka backend.
		 */
		private @Nullable String cluster;

		/**
		 * Backend that receives a copy of every dispatch as well, for shadow testing (the
		 * task then runs on both backends). None by default: each dispatch goes to exactly one
		 * backend.
		 */
		private @Nullable Backend shadow;

		private final RampRule ramp = new RampRule();

		/**
		 * What becomes of a dispatch this rule sends to RabbitMQ while RabbitMQ is
		 * unavailable: 'fail' (at once, naming the rule) or 'kafka' (it goes to Kafka instead).
		 */
		private OnUnavailable onUnavailable = OnUnavailable.FAIL;

		public OnUnavailable getOnUnavailable() {
			return this.onUnavailable;
		}

		public void setOnUnavailable(OnUnavailable onUnavailable) {
			this.onUnavailable = onUnavailable;
		}

		public @Nullable Backend getBackend() {
			return this.backend;
		}

		public void setBackend(@Nullable Backend backend) {
			this.backend = backend;
		}

		public @Nullable String getCluster() {
			return this.cluster;
		}

		public void setCluster(@Nullable String cluster) {
			this.cluster = cluster;
		}

		public @Nullable Backend getShadow() {
			return this.shadow;
		}

		public void setShadow(@Nullable Backend shadow) {
			this.shadow = shadow;
		}

		public RampRule getRamp() {
			return this.ramp;
		}

		Route toRoute(Backend defaultBackend) {
			return Route.of(this.backend, this.cluster, defaultBackend, this.ramp.getTo(), this.ramp.getCluster(),
					this.ramp.getPercent(), this.shadow, this.onUnavailable);
		}

	}

	/**
	 * A share of a rule's dispatches that goes to another backend or Kafka cluster.
	 */
	public static class RampRule {

		/**
		 * Backend the share goes to.
		 */
		private @Nullable Backend to;

		/**
		 * Kafka cluster the share goes to: a name under 'kafka-task.kafka.clusters', or
		 * 'default' for the 'spring.kafka.*' cluster. Naming a cluster implies 'to: kafka'.
		 */
		private @Nullable String cluster;

		/**
		 * Share of the dispatches, in percent (0 to 100), that goes to 'to'.
		 */
		private double percent;

		public @Nullable Backend getTo() {
			return this.to;
		}

		public void setTo(@Nullable Backend to) {
			this.to = to;
		}

		public @Nullable String getCluster() {
			return this.cluster;
		}

		public void setCluster(@Nullable String cluster) {
			this.cluster = cluster;
		}

		public double getPercent() {
			return this.percent;
		}

		public void setPercent(double percent) {
			this.percent = percent;
		}

	}

	/**
	 * The RabbitMQ leg, which speaks Celery's message protocol 2. Connection settings come
	 * from 'spring.rabbitmq.*'.
	 */
	public static class Rabbitmq {

		/**
		 * Whether the RabbitMQ leg is enabled (when Spring AMQP is on the class path).
		 */
		private boolean enabled = true;

		/**
		 * Queues to consume from RabbitMQ. By default, the queues of this application's
		 * tasks that a routing rule can send to RabbitMQ.
		 */
		private @Nullable List<String> queues;

		/**
		 * Tasks of one queue that run at once: the consumers of each queue, each on a
		 * virtual thread.
		 */
		private int concurrency = 32;

		/**
		 * Messages each consumer may hold unacknowledged (the broker's prefetch count).
		 * Tasks are acknowledged after they ran (Celery's acks_late).
		 */
		private int prefetch = 1;

		/**
		 * Whether to declare the queues tasks are published to and consumed from (durable,
		 * without arguments, as Celery declares them), and the dead-letter exchange and
		 * queues.
		 */
		private boolean declareQueues = true;

		/**
		 * Exchange that messages which are not valid tasks go to, with the reason in their
		 * headers; each queue's dead letters are routed to '<queue>.dlq' by the queue name.
		 */
		private String deadLetterExchange = "kafka-task.dlx";

		/**
		 * How long stopping a consumer waits for its running tasks. Unacknowledged messages
		 * go back to the queue.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * Delay tiers of tasks that are not due yet (an eta ahead, a retry, a rate-limit
		 * slot): one queue each, '<delay-prefix>.<tier>', whose messages go back to their
		 * queue after the tier's time. A task waits in the largest tier not longer than what
		 * remains of its delay, so no consumer holds it.
		 */
		private List<Duration> delayTiers = new ArrayList<>(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofHours(1)));

		/**
		 * Name prefix of the delay tiers' exchanges and queues.
		 */
		private String delayPrefix = "kafka-task.delay";

		/**
		 * How often to try to connect to RabbitMQ while it is down. Meanwhile dispatches
		 * routed to it fail at once, or go to Kafka by their route's 'on-unavailable'.
		 */
		private Duration probeInterval = Duration.ofSeconds(5);

		public Duration getProbeInterval() {
			return this.probeInterval;
		}

		public void setProbeInterval(Duration probeInterval) {
			this.probeInterval = probeInterval;
		}

		public List<Duration> getDelayTiers() {
			return this.delayTiers;
		}

		public void setDelayTiers(List<Duration> delayTiers) {
			this.delayTiers = delayTiers;
		}

		public String getDelayPrefix() {
			return this.delayPrefix;
		}

		public void setDelayPrefix(String delayPrefix) {
			this.delayPrefix = delayPrefix;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable List<String> getQueues() {
			return this.queues;
		}

		public void setQueues(@Nullable List<String> queues) {
			this.queues = queues;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = prefetch;
		}

		public boolean isDeclareQueues() {
			return this.declareQueues;
		}

		public void setDeclareQueues(boolean declareQueues) {
			this.declareQueues = declareQueues;
		}

		public String getDeadLetterExchange() {
			return this.deadLetterExchange;
		}

		public void setDeadLetterExchange(String deadLetterExchange) {
			this.deadLetterExchange = deadLetterExchange;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

	public static class Kafka {

		/**
		 * Prefix of the topic of each queue; the topic of queue 'q' is '<prefix>q'.
		 */
		private String topicPrefix = "tasks.";

		/**
		 * Whether to create the topics (and dead-letter topics) of known queues at startup.
		 */
		private boolean createTopics = true;

		/**
		 * Partitions of the topics created at startup. Defaults to the broker's
		 * 'num.partitions'.
		 */
		private @Nullable Integer partitions;

		/**
		 * Replication factor of the topics created at startup. Defaults to the broker's
		 * 'default.replication.factor'.
		 */
		private @Nullable Short replicationFactor;

		/**
		 * Further queues whose topics are created at startup, such as queues that only other
		 * services consume but this one dispatches to.
		 */
		private List<String> queues = new ArrayList<>();

		/**
		 * Delay tiers of countdown, eta and retries: one topic each,
		 * '<prefix>__delay.<tier>'. A delayed task waits in the largest tier not longer than
		 * what remains of its delay, then hops down.
		 */
		private List<Duration> delayTiers = new ArrayList<>(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofHours(1)));

		/**
		 * Lowest Celery priority (higher is more urgent, as in AMQP) that goes to a queue's
		 * high-priority topic '<topic>.high', whose records a busy worker starts first.
		 */
		private int highPriority = 5;

		/**
		 * Queues with a high-priority topic '<topic>.high' beside their own. Dispatches with a
		 * priority of at least 'high-priority' to other queues fail.
		 */
		private List<String> priorityQueues = new ArrayList<>();

		/**
		 * Topics besides this application's own reply topic ('<prefix>__replies') that a
		 * task's 'reply_to' may name, such as the reply topics of other services that
		 * dispatch to this one. A task asking for its result anywhere else is dead-lettered
		 * as 'forbidden-destination'.
		 */
		private List<String> replyTopics = new ArrayList<>();

		/**
		 * Kafka clusters besides the 'spring.kafka.*' one (whose name is 'default'), by name,
		 * that routes can send dispatches to.
		 */
		private final Map<String, Cluster> clusters = new LinkedHashMap<>();

		public Map<String, Cluster> getClusters() {
			return this.clusters;
		}

		public List<String> getReplyTopics() {
			return this.replyTopics;
		}

		public void setReplyTopics(List<String> replyTopics) {
			this.replyTopics = replyTopics;
		}

		public List<String> getPriorityQueues() {
			return this.priorityQueues;
		}

		public void setPriorityQueues(List<String> priorityQueues) {
			this.priorityQueues = priorityQueues;
		}

		public int getHighPriority() {
			return this.highPriority;
		}

		public void setHighPriority(int highPriority) {
			this.highPriority = highPriority;
		}

		public List<Duration> getDelayTiers() {
			return this.delayTiers;
		}

		public void setDelayTiers(List<Duration> delayTiers) {
			this.delayTiers = delayTiers;
		}

		public String getTopicPrefix() {
			return this.topicPrefix;
		}

		public void setTopicPrefix(String topicPrefix) {
			this.topicPrefix = topicPrefix;
		}

		public boolean isCreateTopics() {
			return this.createTopics;
		}

		public void setCreateTopics(boolean createTopics) {
			this.createTopics = createTopics;
		}

		public @Nullable Integer getPartitions() {
			return this.partitions;
		}

		public void setPartitions(@Nullable Integer partitions) {
			this.partitions = partitions;
		}

		public @Nullable Short getReplicationFactor() {
			return this.replicationFactor;
		}

		public void setReplicationFactor(@Nullable Short replicationFactor) {
			this.replicationFactor = replicationFactor;
		}

		public List<String> getQueues() {
			return this.queues;
		}

		public void setQueues(List<String> queues) {
			this.queues = queues;
		}

	}

	/**
	 * A Kafka cluster besides the 'spring.kafka.*' one. Its clients are configured like that
	 * one's producer and admin, with these settings over them.
	 */
	public static class Cluster {

		/**
		 * Comma-delimited list of host:port pairs to use for establishing the initial
		 * connections to the cluster.
		 */
		private List<String> bootstrapServers = new ArrayList<>();

		/**
		 * Additional client properties of the cluster's producer and admin, such as its SSL or
		 * SASL settings, over those of the 'spring.kafka.*' cluster.
		 */
		private final Map<String, String> properties = new LinkedHashMap<>();

		public List<String> getBootstrapServers() {
			return this.bootstrapServers;
		}

		public void setBootstrapServers(List<String> bootstrapServers) {
			this.bootstrapServers = bootstrapServers;
		}

		public Map<String, String> getProperties() {
			return this.properties;
		}

		/**
		 * Return the configuration of a client of this cluster: the given configuration of
		 * the 'spring.kafka.*' cluster's client, with these bootstrap servers and properties
		 * over it.
		 * @param base the configuration of the default cluster's client
		 * @return the configuration
		 */
		public Map<String, Object> buildProperties(Map<String, Object> base) {
			Map<String, Object> properties = new HashMap<>(base);
			properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", this.bootstrapServers));
			properties.putAll(this.properties);
			return properties;
		}

	}

	public static class Worker {

		/**
		 * Whether this application consumes and runs tasks. A service that only dispatches
		 * can turn it off.
		 */
		private boolean enabled = true;

		/**
		 * Whether the worker starts with the application context. When false, it is
		 * started through its bean (TaskWorker.start()).
		 */
		private boolean autoStartup = true;

		/**
		 * Consumer group of the worker. Defaults to 'spring.application.name', or
		 * 'kafka-task' when that is not set.
		 */
		private @Nullable String groupId;

		/**
		 * Static member id of this worker in its group ('group.instance.id'), unique per
		 * instance, such as the pod name of a StatefulSet. A worker restarted with the same
		 * id within the session timeout takes its partitions back without a rebalance; one
		 * that is killed keeps them, idle, until the session timeout. Unset: a dynamic member.
		 */
		private @Nullable String groupInstanceId;

		/**
		 * Queues the worker consumes. Defaults to the queues of the tasks this application
		 * registers.
		 */
		private List<String> queues = new ArrayList<>();

		/**
		 * Kafka clusters the worker consumes its queues from: 'default' (the 'spring.kafka.*'
		 * cluster, always consumed) and any of 'kafka-task.kafka.clusters', each with a worker
		 * of its own in the same consumer group.
		 */
		private List<String> clusters = new ArrayList<>(List.of(Route.DEFAULT_CLUSTER));

		/**
		 * Most tasks a worker runs at once. When reached, the worker pauses its partitions
		 * and keeps polling, so it stays in its group.
		 */
		private int maxInFlight = 256;

		/**
		 * Most tasks of one partition a worker runs at once. Unlimited by default.
		 */
		private @Nullable Integer maxInFlightPerPartition;

		/**
		 * Most records of one partition that may wait behind a running record with the same
		 * key (ordering 'key' or 'partition') before the partition is paused.
		 */
		private int maxWaitingPerPartition = 1000;

		/**
		 * Ordering of queues not named in 'ordering': 'unordered' (any order, the default),
		 * 'key' (records with the same key one after another) or 'partition' (one at a time).
		 */
		private OrderingMode defaultOrdering = OrderingMode.UNORDERED;

		/**
		 * Ordering per queue, overriding 'default-ordering'.
		 */
		private final Map<String, OrderingMode> ordering = new LinkedHashMap<>();

		/**
		 * How queues not named in 'mode' are consumed: 'group' (a consumer group, the
		 * default) or 'share' (a share group, KIP-932: records acknowledged one by one, more
		 * workers than partitions; unordered queues only).
		 */
		private ConsumptionMode defaultMode = ConsumptionMode.GROUP;

		/**
		 * How each queue is consumed, overriding 'default-mode'.
		 */
		private final Map<String, ConsumptionMode> mode = new LinkedHashMap<>();

		private final Share share = new Share();

		/**
		 * Size of the platform thread pool of tasks marked threads = PLATFORM (CPU-heavy
		 * work). Defaults to the number of processors less one, at least one.
		 */
		private int platformThreads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

		/**
		 * Consumer group protocol: 'auto' (KIP-848 'consumer' when the brokers support it,
		 * else 'classic' with the cooperative-sticky assignor), 'consumer' or 'classic'.
		 */
		private GroupProtocolMode groupProtocol = GroupProtocolMode.AUTO;

		/**
		 * Whether offset commits record, in their metadata, the finished records above the
		 * lowest unfinished one, so that after a crash only unfinished tasks run again.
		 */
		private boolean commitMetadata = true;

		/**
		 * How long a revocation waits for the running tasks of revoked partitions before it
		 * commits and lets them go.
		 */
		private Duration revokeTimeout = Duration.ofSeconds(10);

		private final Pinning pinning = new Pinning();

		/**
		 * Longest time one poll waits for records.
		 */
		private Duration pollTimeout = Duration.ofSeconds(1);

		/**
		 * How often offsets of finished tasks are committed.
		 */
		private Duration commitInterval = Duration.ofSeconds(1);

		/**
		 * How many records may finish before their offsets are committed, sooner than the
		 * commit interval: after a crash, at most about this many finished tasks run again.
		 * Defaults to 'max-in-flight'.
		 */
		private @Nullable Integer commitCount;

		/**
		 * How long stopping waits for running tasks. Records of tasks still running then
		 * are not committed and run again after a restart.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * How long a worker with work (running or waiting tasks, or lag) may go without a
		 * task finishing or an offset moving before its health is DOWN as stalled.
		 */
		private Duration stallTimeout = Duration.ofMinutes(2);

		/**
		 * How long the ids of tracked tasks that succeeded (unique dispatches, tasks of a
		 * canvas, periodic tasks' slots) are kept, in the compacted <prefix>__finished topic
		 * and in each instance's memory: a copy of such a task that comes within it is
		 * skipped, not run.
		 */
		private Duration finishedTaskRetention = Duration.ofHours(24);

		public Duration getStallTimeout() {
			return this.stallTimeout;
		}

		public void setStallTimeout(Duration stallTimeout) {
			this.stallTimeout = stallTimeout;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public @Nullable String getGroupInstanceId() {
			return this.groupInstanceId;
		}

		public void setGroupInstanceId(@Nullable String groupInstanceId) {
			this.groupInstanceId = groupInstanceId;
		}

		public @Nullable String getGroupId() {
			return this.groupId;
		}

		public void setGroupId(@Nullable String groupId) {
			this.groupId = groupId;
		}

		public List<String> getQueues() {
			return this.queues;
		}

		public void setQueues(List<String> queues) {
			this.queues = queues;
		}

		public List<String> getClusters() {
			return this.clusters;
		}

		public void setClusters(List<String> clusters) {
			this.clusters = clusters;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public @Nullable Integer getMaxInFlightPerPartition() {
			return this.maxInFlightPerPartition;
		}

		public void setMaxInFlightPerPartition(@Nullable Integer maxInFlightPerPartition) {
			this.maxInFlightPerPartition = maxInFlightPerPartition;
		}

		public int getMaxWaitingPerPartition() {
			return this.maxWaitingPerPartition;
		}

		public void setMaxWaitingPerPartition(int maxWaitingPerPartition) {
			this.maxWaitingPerPartition = maxWaitingPerPartition;
		}

		public OrderingMode getDefaultOrdering() {
			return this.defaultOrdering;
		}

		public void setDefaultOrdering(OrderingMode defaultOrdering) {
			this.defaultOrdering = defaultOrdering;
		}

		public Map<String, OrderingMode> getOrdering() {
			return this.ordering;
		}

		public ConsumptionMode getDefaultMode() {
			return this.defaultMode;
		}

		public void setDefaultMode(ConsumptionMode defaultMode) {
			this.defaultMode = defaultMode;
		}

		public Map<String, ConsumptionMode> getMode() {
			return this.mode;
		}

		/**
		 * Return how a queue is consumed.
		 * @param queue the queue
		 * @return its mode
		 */
		public ConsumptionMode modeOf(String queue) {
			return this.mode.getOrDefault(queue, this.defaultMode);
		}

		public Share getShare() {
			return this.share;
		}

		public int getPlatformThreads() {
			return this.platformThreads;
		}

		public void setPlatformThreads(int platformThreads) {
			this.platformThreads = platformThreads;
		}

		public GroupProtocolMode getGroupProtocol() {
			return this.groupProtocol;
		}

		public void setGroupProtocol(GroupProtocolMode groupProtocol) {
			this.groupProtocol = groupProtocol;
		}

		public boolean isCommitMetadata() {
			return this.commitMetadata;
		}

		public void setCommitMetadata(boolean commitMetadata) {
			this.commitMetadata = commitMetadata;
		}

		public Duration getRevokeTimeout() {
			return this.revokeTimeout;
		}

		public void setRevokeTimeout(Duration revokeTimeout) {
			this.revokeTimeout = revokeTimeout;
		}

		public Pinning getPinning() {
			return this.pinning;
		}

		public Duration getFinishedTaskRetention() {
			return this.finishedTaskRetention;
		}

		public void setFinishedTaskRetention(Duration finishedTaskRetention) {
			this.finishedTaskRetention = finishedTaskRetention;
		}

		public Duration getPollTimeout() {
			return this.pollTimeout;
		}

		public void setPollTimeout(Duration pollTimeout) {
			this.pollTimeout = pollTimeout;
		}

		public @Nullable Integer getCommitCount() {
			return this.commitCount;
		}

		public void setCommitCount(@Nullable Integer commitCount) {
			this.commitCount = commitCount;
		}

		public Duration getCommitInterval() {
			return this.commitInterval;
		}

		public void setCommitInterval(Duration commitInterval) {
			this.commitInterval = commitInterval;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

	public static class Share {

		/**
		 * Share group of the worker's share-mode queues. Defaults to the worker's group id
		 * followed by '-share' (Kafka keeps one namespace for consumer and share groups).
		 */
		private @Nullable String groupId;

		/**
		 * Share consumers per worker, each on its own thread. A consumer fetches again only
		 * once every task of its last fetch ended (their locks are renewed meanwhile), so
		 * more consumers keep slow tasks from holding back the rest.
		 */
		private int consumers = 2;

		/**
		 * Most records one share consumer fetches at a time. Defaults to 'max-in-flight'
		 * divided among the consumers.
		 */
		private @Nullable Integer maxPollRecords;

		/**
		 * Most deliveries of a record that run: one delivered more often (its earlier
		 * deliveries ended without an outcome: workers killed, or stopped while it ran) is
		 * dead-lettered 'max-deliveries'. Keep it below the group's delivery count limit
		 * (brokers' group.share.delivery.count.limit, 5 by default), past which Kafka drops
		 * the record without a dead letter. 0 for no limit.
		 */
		private int maxDeliveries = 4;

		public @Nullable String getGroupId() {
			return this.groupId;
		}

		public void setGroupId(@Nullable String groupId) {
			this.groupId = groupId;
		}

		public int getConsumers() {
			return this.consumers;
		}

		public void setConsumers(int consumers) {
			this.consumers = consumers;
		}

		public @Nullable Integer getMaxPollRecords() {
			return this.maxPollRecords;
		}

		public void setMaxPollRecords(@Nullable Integer maxPollRecords) {
			this.maxPollRecords = maxPollRecords;
		}

		public int getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(int maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

	}

	public static class Pinning {

		/**
		 * Whether to detect tasks that block while pinned to their carrier thread, through
		 * JDK Flight Recorder's jdk.VirtualThreadPinned events.
		 */
		private boolean enabled = true;

		/**
		 * Shortest pinned block that is reported.
		 */
		private Duration threshold = Duration.ofMillis(20);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getThreshold() {
			return this.threshold;
		}

		public void setThreshold(Duration threshold) {
			this.threshold = threshold;
		}

	}

	public static class Dispatch {

		/**
		 * Whether a dispatch made inside a Spring-managed transaction waits for its commit, and
		 * is dropped if it rolls back, when the dispatch's options do not say (Celery's
		 * 'delay_on_commit'). Outside a transaction a task is sent at once either way.
		 */
		private boolean afterCommit;

		/**
		 * Longest window a unique dispatch may hold its key for; the topic of unique claims is
		 * read that far back (twice, for clock skew) when the first unique dispatch is made.
		 */
		private Duration uniqueMaxWindow = Duration.ofHours(1);

		/**
		 * How long a unique dispatch waits to read its claim back before it fails, not enqueued.
		 */
		private Duration uniqueDecisionTimeout = Duration.ofSeconds(10);

		public boolean isAfterCommit() {
			return this.afterCommit;
		}

		public void setAfterCommit(boolean afterCommit) {
			this.afterCommit = afterCommit;
		}

		public Duration getUniqueMaxWindow() {
			return this.uniqueMaxWindow;
		}

		public void setUniqueMaxWindow(Duration uniqueMaxWindow) {
			this.uniqueMaxWindow = uniqueMaxWindow;
		}

		public Duration getUniqueDecisionTimeout() {
			return this.uniqueDecisionTimeout;
		}

		public void setUniqueDecisionTimeout(Duration uniqueDecisionTimeout) {
			this.uniqueDecisionTimeout = uniqueDecisionTimeout;
		}

	}

	public static class Revoke {

		/**
		 * How long a revocation is kept (the <prefix>__revoked topic's retention, and in
		 * memory): a revoked task that reaches a worker later than that runs.
		 */
		private Duration retention = Duration.ofHours(24);

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

	}

	public static class Events {

		/**
		 * Whether the lifecycle events of tasks (dispatched, received, started, retried,
		 * succeeded, failed, expired, dead-lettered, revoked) are written to the
		 * <prefix>__events topic of the Kafka cluster of the task's queue, for TaskResults,
		 * the endpoint's tasks and the page, which read that topic on every cluster.
		 */
		private boolean enabled = true;

		/**
		 * How long the latest event of a task is kept (the events topic's retention).
		 */
		private Duration retention = Duration.ofDays(7);

		/**
		 * How long every event of a task is kept at least, before compaction keeps only its
		 * latest (the events topic's min.compaction.lag.ms).
		 */
		private Duration history = Duration.ofHours(1);

		/**
		 * How far back an instance reads the events topic when it is first asked about
		 * tasks.
		 */
		private Duration readBack = Duration.ofHours(1);

		/**
		 * Most tasks an instance keeps in memory from the events it read (the least recently
		 * changed go first).
		 */
		private int maxTasks = 100_000;

		/**
		 * Longest result, error or arguments text an event carries; longer ones are cut.
		 */
		private int maxTextLength = 1000;

		/**
		 * Whether a task's dispatched event carries its arguments (as JSON, cut to
		 * max-text-length), for the task page and the endpoint's tasks/{id}. Off for tasks
		 * whose arguments must not be kept in the events topic.
		 */
		private boolean arguments = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public Duration getHistory() {
			return this.history;
		}

		public void setHistory(Duration history) {
			this.history = history;
		}

		public Duration getReadBack() {
			return this.readBack;
		}

		public void setReadBack(Duration readBack) {
			this.readBack = readBack;
		}

		public int getMaxTasks() {
			return this.maxTasks;
		}

		public void setMaxTasks(int maxTasks) {
			this.maxTasks = maxTasks;
		}

		public int getMaxTextLength() {
			return this.maxTextLength;
		}

		public void setMaxTextLength(int maxTextLength) {
			this.maxTextLength = maxTextLength;
		}

		public boolean isArguments() {
			return this.arguments;
		}

		public void setArguments(boolean arguments) {
			this.arguments = arguments;
		}

	}

	public static class Canvas {

		/**
		 * How long a worker waits for the broker to acknowledge what follows a task (a
		 * chain's next task, links, error links, its chord's count) before the task is
		 * dead-lettered continuation-failed.
		 */
		private Duration continuationTimeout = Duration.ofSeconds(30);

		/**
		 * How long a chord that is done is remembered (the retention of the compacted
		 * <prefix>__chord.done topic): a member reported again within it, because it ran
		 * twice, is ignored.
		 */
		private Duration chordDoneRetention = Duration.ofDays(7);

		public Duration getContinuationTimeout() {
			return this.continuationTimeout;
		}

		public void setContinuationTimeout(Duration continuationTimeout) {
			this.continuationTimeout = continuationTimeout;
		}

		public Duration getChordDoneRetention() {
			return this.chordDoneRetention;
		}

		public void setChordDoneRetention(Duration chordDoneRetention) {
			this.chordDoneRetention = chordDoneRetention;
		}

	}

	public static class Metrics {

		/**
		 * How often the state meters are refreshed: consumer lag per partition (read with an
		 * admin client), the stall check, RabbitMQ queue depths, and the meters of consumers
		 * and partitions that came or went.
		 */
		private Duration refreshInterval = Duration.ofSeconds(10);

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	public Observation getObservation() {
		return this.observation;
	}

	public static class Observation {

		/**
		 * Whether dispatches and task executions are observed with the application's
		 * ObservationRegistry, as 'kafkatask.dispatch' and 'kafkatask.execution'. With a
		 * tracer, the trace context then travels in the task headers (W3C 'traceparent' and
		 * 'tracestate', or what the tracer propagates) to the worker, Python Celery ones
		 * included. Defaults to whether the application has a Micrometer Tracing 'Tracer'.
		 */
		private @Nullable Boolean enabled;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

	}

	public Beat getBeat() {
		return this.beat;
	}

	public Map<String, ScheduleProperties> getSchedules() {
		return this.schedules;
	}

	public static class Beat {

		/**
		 * Whether this application takes part in firing periodic tasks (where its worker
		 * runs): its instances elect one leader that fires every slot of the schedules.
		 */
		private boolean enabled = true;

		/**
		 * How long the beat's leader may go unheard before another instance takes over: the
		 * session timeout of its election consumer (classic group protocol), so the longest
		 * pause of periodic tasks after a leader crashed. At least 1s, and within the brokers'
		 * group.min.session.timeout.ms and group.max.session.timeout.ms (6s to 30m by
		 * default), checked when the beat starts.
		 */
		private Duration sessionTimeout = Duration.ofSeconds(10);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getSessionTimeout() {
			return this.sessionTimeout;
		}

		public void setSessionTimeout(Duration sessionTimeout) {
			this.sessionTimeout = sessionTimeout;
		}

	}

	public Page getPage() {
		return this.page;
	}

	/**
	 * The task page: workers, throughput, the latest tasks and dead letters, read from the
	 * kafkatasks actuator endpoint (served only when that endpoint is exposed over HTTP on
	 * the application's own port, in a servlet web application).
	 */
	public static class Page {

		/**
		 * Whether the task page is served.
		 */
		private boolean enabled = true;

		/**
		 * Path of the task page: segments of letters, digits, '-', '_', '.' and '~', each
		 * after one '/', without a trailing '/'.
		 */
		private String path = "/kafka-task";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = TaskPagePath.check(path);
		}

	}

}
