package dev.kafkatask.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.execution.TaskLifecycle;
import dev.kafkatask.kafka.deadletter.BackendDeadLetters;
import dev.kafkatask.kafka.deadletter.ClusterDeadLetters;
import dev.kafkatask.kafka.deadletter.DeadLetterList;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.kafka.beat.Beat;
import dev.kafkatask.monitor.Revocation;
import dev.kafkatask.monitor.TaskActivity;
import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.monitor.TaskResults;
import dev.kafkatask.monitor.TaskRevoker;
import dev.kafkatask.monitor.TaskState;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.OnUnavailable;
import dev.kafkatask.routing.Ramp;
import dev.kafkatask.routing.Route;
import dev.kafkatask.routing.RoutingRules;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;

/**
 * The {@code kafkatasks} actuator endpoint: registered tasks, routing rules and consumers;
 * tasks by id ({@code tasks/{id}}), the latest tasks ({@code tasks}), the activity of the
 * last minute ({@code activity}) and dead letters of either backend and, on Kafka, any
 * cluster ({@code deadletters/{queue}?backend=&cluster=}); and write operations that change a route or ramp,
 * redrive dead letters, revoke a task and start, pause, drain or stop a queue's consumer. Writes are off by default ({@link Access#READ_ONLY}); enable them with
 * {@code management.endpoint.kafkatasks.access=unrestricted}, and secure them.
 * <ul>
 * <li>{@code POST /actuator/kafkatasks/queue/{name}} and {@code …/task/{name}} with
 * {@code {"backend": "kafka", "rampTo": "rabbitmq", "rampPercent": 25, "shadow": null}}
 * set a route, and {@code {"cluster": "east", "rampCluster": "west", "rampPercent": 10}} a
 * route between Kafka clusters; without backend, cluster and ramp they remove it.</li>
 * <li>{@code POST /actuator/kafkatasks/default} with {@code {"backend": "rabbitmq"}} sets the
 * default backend; {@code POST /actuator/kafkatasks/reload} rereads the rules from the
 * environment.</li>
 * <li>{@code POST /actuator/kafkatasks/{backend}/{queue}/{action}}, action one of start,
 * pause, resume, drain, stop, controls a consumer.</li>
 * <li>{@code POST /actuator/kafkatasks/redrive/{queue}} with
 * {@code {"cluster": "east", "reason": "failed"}} redrives the queue's dead letters on
 * that Kafka cluster (the default one without {@code cluster}, RabbitMQ's with
 * {@code "backend": "rabbitmq"}).</li>
 * </ul>
 *
 * @author kafka-task
 */
@Endpoint(id = "kafkatasks", defaultAccess = Access.READ_ONLY)
public class KafkaTasksEndpoint {

	/**
	 * How long a read waits for the brokers to name the beat's leader.
	 */
	private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(10);

	private static final int MAX_RUNNING_SHOWN = 1000;

	/**
	 * Most tasks {@code tasks?limit=} lists.
	 */
	public static final int MAX_LATEST = 500;

	private static final int DEFAULT_LATEST = 50;

	/**
	 * Longest result or error text {@code tasks?limit=} shows per task ({@code tasks/{id}}
	 * shows all of it).
	 */
	private static final int MAX_SUMMARY_TEXT = 200;

	private final TaskRegistry registry;

	private final TaskRouter router;

	private final TaskConsumers consumers;

	private final Supplier<RoutingRules> configuredRules;

	private final TaskOptionResolver options;

	private final TaskOwners owners;

	private final String defaultQueue;

	private final Predicate<String> knownQueue;

	private Supplier<List<ScheduleDescriptor>> schedules = List::of;

	private Supplier<List<DeliveryHandler.RunningTask>> running = List::of;

	private @Nullable TaskResults results;

	private final DeadLetterOperations deadLetters = new DeadLetterOperations();

	private @Nullable TaskRevoker revoker;

	private volatile @Nullable String instance;

	/**
	 * Create the endpoint.
	 * @param registry the registered tasks
	 * @param router the router
	 * @param consumers the consumers
	 * @param configuredRules reads the routing rules from the environment, for
	 * {@code reload}
	 * @param options the tasks' options and the option whitelist
	 * @param owners the owners of tasks and queues
	 * @param defaultQueue the queue of tasks that name none
	 * @param knownQueue whether a queue is one of the application's: writes name no other
	 */
	public KafkaTasksEndpoint(TaskRegistry registry, TaskRouter router, TaskConsumers consumers,
			Supplier<RoutingRules> configuredRules, TaskOptionResolver options, TaskOwners owners,
			String defaultQueue, Predicate<String> knownQueue) {
		this.knownQueue = knownQueue;
		this.options = options;
		this.owners = owners;
		this.defaultQueue = defaultQueue;
		this.registry = registry;
		this.router = router;
		this.consumers = consumers;
		this.configuredRules = configuredRules;
	}

	/**
	 * Show the periodic tasks of the application's beat, with its leader as the group
	 * coordinator names it.
	 * @param beat the beat
	 */
	public void setBeat(Beat beat) {
		this.schedules = () -> {
			List<Beat.ScheduleState> states = beat.states();
			if (states.isEmpty()) {
				return List.of();
			}
			Beat.Leader leader = beat.currentLeader(LEADER_TIMEOUT);
			return states.stream().map((state) -> ScheduleDescriptor.of(state, leader)).toList();
		};
	}

	/**
	 * Answer {@code tasks/{id}} from the tasks' lifecycle events.
	 * @param results what became of tasks
	 */
	public void setTaskResults(TaskResults results) {
		this.results = results;
	}

	/**
	 * Revoke tasks: {@code revoke/{id}}.
	 * @param revoker revokes tasks
	 */
	public void setTaskRevoker(TaskRevoker revoker) {
		this.revoker = revoker;
	}

	/**
	 * List and redrive the dead letters of a backend: {@code deadletters/{queue}} and
	 * {@code redrive/{queue}}, with {@code backend} naming it (Kafka's when left out). Call
	 * once for each backend.
	 * @param deadLetters the dead letters of a backend
	 */
	public void setDeadLetters(BackendDeadLetters deadLetters) {
		this.deadLetters.add(deadLetters);
	}

	/**
	 * List and redrive the Kafka leg's dead letters on other clusters than the default one:
	 * {@code deadletters/{queue}?cluster=} and {@code redrive/{queue}} with {@code cluster}.
	 * @param deadLetters the dead letters of each Kafka cluster
	 */
	public void setKafkaClusterDeadLetters(ClusterDeadLetters deadLetters) {
		this.deadLetters.setKafkaClusters(deadLetters);
	}

	/**
	 * Show the tasks running now on this instance.
	 * @param running the tasks running now
	 */
	public void setRunningTasks(Supplier<List<DeliveryHandler.RunningTask>> running) {
		this.running = running;
	}

	/**
	 * Show one thing by name: {@code tasks/{id}} what became of a task ({@link #task}),
	 * {@code deadletters/{queue}} the dead letters of a queue ({@link #deadLetters}).
	 * @param scope {@code tasks} or {@code deadletters}
	 * @param name the task id or the queue
	 * @param reason dead letters of these reasons only (comma-separated codes)
	 * @param task dead letters of these tasks only (comma-separated)
	 * @param taskId dead letters of these task ids only (comma-separated)
	 * @param from dead letters from this ISO-8601 instant on
	 * @param to dead letters before this ISO-8601 instant
	 * @param limit most dead letters listed (100)
	 * @param backend whose dead letters: {@code kafka} (when left out) or {@code rabbitmq}
	 * @param cluster on Kafka, the cluster whose dead letters: {@code default} (when left
	 * out) or one of {@code kafka-task.kafka.clusters}
	 * @return the task or the dead letters; {@code null} (404) for a task of which no event
	 * was read
	 */
	@ReadOperation
	public @Nullable Object detail(@Selector String scope, @Selector String name, @Nullable String reason,
			@Nullable String task, @Nullable String taskId, @Nullable String from, @Nullable String to,
			@Nullable Integer limit, @Nullable String backend, @Nullable String cluster) {
		return switch (scope) {
			case "tasks" -> task(scope, name);
			case "deadletters" -> deadLetters(name, backend, cluster, reason, task, taskId, from, to, limit);
			default -> {
				String message = "Unknown '" + printable(scope) + "': ask for tasks/{id} or deadletters/{queue}";
				throw new InvalidEndpointRequestException(message, message);
			}
		};
	}

	/**
	 * Show what became of a task, from its lifecycle events: {@code tasks/{id}}.
	 * @param scope {@code tasks}
	 * @param id the task id
	 * @return its state and history, or {@code null} (404) when no event of it was read
	 */
	public @Nullable TaskStateDescriptor task(String scope, String id) {
		if (!"tasks".equals(scope)) {
			String message = "Unknown '" + printable(scope) + "': ask for tasks/{id}";
			throw new InvalidEndpointRequestException(message, message);
		}
		TaskResults taskResults = this.results;
		if (taskResults == null) {
			String message = "Task events are off (kafka-task.events.enabled=false), or this application has no Kafka leg";
			throw new InvalidEndpointRequestException(message, message);
		}
		try {
			return taskResults.state(id).map(TaskStateDescriptor::of).orElse(null);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
	}

	/**
	 * Show a view of all tasks: {@code tasks} the tasks whose state changed last, newest
	 * first ({@link #latest}); {@code activity} what their events of the last minute tell,
	 * with this instance's consumers ({@link #activity()}).
	 * @param view {@code tasks} or {@code activity}
	 * @param limit most tasks listed, 1 to {@value #MAX_LATEST} (50), for {@code tasks}
	 * @return the view
	 */
	@ReadOperation
	public Object view(@Selector String view, @Nullable Integer limit) {
		return switch (view) {
			case "tasks" -> latest(limit);
			case "activity" -> activity();
			default -> {
				String message = "Unknown '" + printable(view) + "': ask for tasks or activity";
				throw new InvalidEndpointRequestException(message, message);
			}
		};
	}

	/**
	 * List the tasks whose state changed last, newest first, from their lifecycle events,
	 * without their history (ask {@code tasks/{id}} for it).
	 * @param limit most tasks listed, 1 to {@value #MAX_LATEST}; 50 when {@code null}
	 * @return the tasks
	 */
	public LatestTasksDescriptor latest(@Nullable Integer limit) {
		int count = (limit != null) ? limit : DEFAULT_LATEST;
		if (count < 1 || count > MAX_LATEST) {
			String message = "'limit' must be between 1 and " + MAX_LATEST + ": " + count;
			throw new InvalidEndpointRequestException(message, message);
		}
		List<TaskSummaryDescriptor> tasks = taskResults().latest(count)
			.stream()
			.map(TaskSummaryDescriptor::of)
			.toList();
		return new LatestTasksDescriptor(tasks);
	}

	/**
	 * Show what the lifecycle events of the last minute tell (events by task, the
	 * instances that wrote them), and the consumers of this instance with the tasks they
	 * run: cheap enough to be asked every few seconds (no broker is asked).
	 * @return the activity
	 */
	public ActivityDescriptor activity() {
		TaskActivity activity = taskResults().activity();
		List<ConsumerLoadDescriptor> consumers = this.consumers.all()
			.stream()
			.map(ConsumerLoadDescriptor::of)
			.toList();
		return ActivityDescriptor.of(activity, instance(), consumers);
	}

	private TaskResults taskResults() {
		TaskResults taskResults = this.results;
		if (taskResults == null) {
			String message = "Task events are off (kafka-task.events.enabled=false), or this application has no Kafka leg";
			throw new InvalidEndpointRequestException(message, message);
		}
		return taskResults;
	}

	private String instance() {
		String name = this.instance;
		if (name == null) {
			// a host name lookup: once, when first asked, not while the context refreshes
			name = TaskLifecycle.localName();
			this.instance = name;
		}
		return name;
	}

	private static String printable(String text) {
		String cut = (text.length() > 50) ? text.substring(0, 50) + "…" : text;
		StringBuilder printable = new StringBuilder(cut.length());
		cut.codePoints().forEach((c) -> printable.appendCodePoint(Character.isISOControl(c) ? '?' : c));
		return printable.toString();
	}

	@ReadOperation
	public KafkaTasksDescriptor kafkaTasks() {
		List<TaskDescriptor> tasks = this.registry.all()
			.stream()
			.sorted(java.util.Comparator.comparing(TaskDefinition::name))
			.map((task) -> new TaskDescriptor(task.name(), task.queue(),
					this.owners.ofTask(task.name(), (task.queue() != null) ? task.queue() : this.defaultQueue),
					task.threads().name().toLowerCase(Locale.ROOT), task.methodDescription(), options(task.name()),
					this.options.policy(task.name()).name().toLowerCase(Locale.ROOT).replace('_', '-')))
			.toList();
		return new KafkaTasksDescriptor(tasks, RoutingDescriptor.of(this.router.rules()), consumers(),
				this.options.whitelist().describe(), this.schedules.get(), running(), this.deadLetters.backends(),
				this.deadLetters.kafkaClusters());
	}

	private Map<String, Object> options(String task) {
		Map<String, Object> described = new java.util.TreeMap<>();
		this.options.taskOptions(task).forEach((option, value) -> described.put(option.celeryName(), value));
		return described;
	}

	/**
	 * Change something named: {@code queue/{queue}} or {@code task/{task}} set or remove a
	 * route ({@link #route}); {@code redrive/{queue}} sends the queue's dead letters back to
	 * it ({@link #redrive}); {@code revoke/{id}} revokes a task ({@link #revoke}).
	 * @param scope {@code queue}, {@code task}, {@code redrive} or {@code revoke}
	 * @param name the queue or task name, or the task id
	 * @param backend a route's backend; or, for a redrive, whose dead letters ({@code kafka}
	 * when {@code null}, or {@code rabbitmq})
	 * @param cluster a route's Kafka cluster; or, for a redrive on Kafka, the cluster whose
	 * dead letters; {@code null} for the default one
	 * @param rampTo a route's ramp target, or {@code null}
	 * @param rampCluster the Kafka cluster of a route's ramp, or {@code null}
	 * @param rampPercent a route's ramp share in percent, or {@code null}
	 * @param shadow a route's shadow backend, or {@code null}
	 * @param onUnavailable a route's {@code fail} or {@code kafka}, or {@code null}
	 * @param reason redrive only dead letters of these reasons (comma-separated codes)
	 * @param task redrive only dead letters of these tasks (comma-separated)
	 * @param taskId redrive only dead letters of these task ids (comma-separated)
	 * @param from redrive only dead letters from this ISO-8601 instant on
	 * @param to redrive only dead letters before this ISO-8601 instant
	 * @param dryRun only say what would be redriven
	 * @param terminate revoke: interrupt the task where it runs now too
	 * @return the routing rules now in force, what was (or would be) redriven, or the
	 * revocation
	 */
	@WriteOperation
	public Object change(@Selector String scope, @Selector String name, @Nullable String backend,
			@Nullable String cluster, @Nullable String rampTo, @Nullable String rampCluster,
			@Nullable Double rampPercent, @Nullable String shadow, @Nullable String onUnavailable,
			@Nullable String reason, @Nullable String task, @Nullable String taskId, @Nullable String from,
			@Nullable String to, @Nullable Boolean dryRun, @Nullable Boolean terminate) {
		if ("redrive".equalsIgnoreCase(scope)) {
			return redrive(name, backend, cluster, reason, task, taskId, from, to, Boolean.TRUE.equals(dryRun));
		}
		if ("revoke".equalsIgnoreCase(scope)) {
			return revoke(name, Boolean.TRUE.equals(terminate));
		}
		return route(scope, name, backend, cluster, rampTo, rampCluster, rampPercent, shadow, onUnavailable);
	}

	/**
	 * Revoke a task by id: no worker runs it from now on, and with {@code terminate} a
	 * worker running it interrupts it. Answers once Kafka took the revocation.
	 * @param id the task id
	 * @param terminate whether to interrupt a run of it
	 * @return the revocation, with the task's state as this instance knew it just before
	 */
	public RevocationDescriptor revoke(String id, boolean terminate) {
		TaskRevoker taskRevoker = this.revoker;
		if (taskRevoker == null) {
			String message = "Revoking needs the Kafka leg of kafka-task";
			throw new InvalidEndpointRequestException(message, message);
		}
		TaskResults taskResults = this.results;
		String state;
		Revocation revocation;
		try {
			state = (taskResults != null) ? taskResults.state(id).map((known) -> known.state().code()).orElse(null)
					: null;
			revocation = taskRevoker.revoke(id, terminate).get(REVOKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while revoking task [" + id + "]", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not revoke task [" + printable(id) + "]: Kafka did not take the"
					+ " revocation within " + REVOKE_TIMEOUT, ex);
		}
		return new RevocationDescriptor(revocation.taskId(), revocation.at(), revocation.terminate(), revocation.by(),
				state);
	}

	/**
	 * Send a queue's dead letters back to it, all or those matching a filter (each one once:
	 * a dead letter redriven before is skipped, or gone from its dead-letter queue). On Kafka,
	 * the dead letters of one cluster go back to that cluster's topic of the queue.
	 * @param queue the queue
	 * @param backend whose dead letters: {@code kafka} (when {@code null}) or
	 * {@code rabbitmq}
	 * @param cluster on Kafka, the cluster whose dead letters: {@code default} (when
	 * {@code null}) or one of {@code kafka-task.kafka.clusters}
	 * @param reason only these reasons (comma-separated codes), or {@code null}
	 * @param task only these tasks (comma-separated), or {@code null}
	 * @param taskId only these task ids (comma-separated), or {@code null}
	 * @param from only from this ISO-8601 instant on, or {@code null}
	 * @param to only before this ISO-8601 instant, or {@code null}
	 * @param dryRun only say what would be redriven
	 * @return what was (or would be) redriven, and what was skipped and why
	 */
	public RedriveResult redrive(String queue, @Nullable String backend, @Nullable String cluster,
			@Nullable String reason, @Nullable String task, @Nullable String taskId, @Nullable String from,
			@Nullable String to, boolean dryRun) {
		return this.deadLetters.redrive(queue, backend, cluster, reason, task, taskId, from, to, dryRun);
	}

	/**
	 * List a queue's dead letters, oldest first.
	 * @param queue the queue
	 * @param backend whose dead letters: {@code kafka} (when {@code null}) or
	 * {@code rabbitmq}
	 * @param cluster on Kafka, the cluster whose dead letters: {@code default} (when
	 * {@code null}) or one of {@code kafka-task.kafka.clusters}
	 * @param reason only these reasons (comma-separated codes), or {@code null}
	 * @param task only these tasks (comma-separated), or {@code null}
	 * @param taskId only these task ids (comma-separated), or {@code null}
	 * @param from only from this ISO-8601 instant on, or {@code null}
	 * @param to only before this ISO-8601 instant, or {@code null}
	 * @param limit most dead letters listed, 100 when {@code null}
	 * @return the dead letters
	 */
	public DeadLetterList deadLetters(String queue, @Nullable String backend, @Nullable String cluster,
			@Nullable String reason, @Nullable String task, @Nullable String taskId, @Nullable String from,
			@Nullable String to, @Nullable Integer limit) {
		return this.deadLetters.list(queue, backend, cluster, reason, task, taskId, from, to, limit);
	}

	/**
	 * Set or remove the route of a queue or a task.
	 * @param scope {@code queue} or {@code task}
	 * @param name the queue or task name
	 * @param backend the backend, or {@code null} (Kafka when a cluster is named, else the
	 * default backend)
	 * @param cluster the Kafka cluster, or {@code null} for the default one
	 * @param rampTo the backend a ramp sends its share to, or {@code null} (Kafka when a ramp
	 * cluster is named)
	 * @param rampCluster the Kafka cluster a ramp sends its share to, or {@code null}
	 * @param rampPercent the ramp's share in percent, or {@code null}
	 * @param shadow the backend that gets shadow copies, or {@code null}
	 * @param onUnavailable {@code fail} or {@code kafka}: what a dispatch sent to RabbitMQ
	 * does while RabbitMQ is down; {@code null} keeps what the route said
	 * @return the rules now in force
	 * @throws IllegalArgumentException if a cluster is not configured, or named for RabbitMQ
	 */
	public RoutingDescriptor route(@Selector String scope, @Selector String name, @Nullable String backend,
			@Nullable String cluster, @Nullable String rampTo, @Nullable String rampCluster,
			@Nullable Double rampPercent, @Nullable String shadow, @Nullable String onUnavailable) {
		Route route = null;
		if (backend != null || cluster != null || rampTo != null || rampCluster != null) {
			Backend target = (backend != null) ? Backend.of(backend) : (cluster != null) ? Backend.KAFKA
					: this.router.rules().defaultBackend();
			Backend rampTarget = (rampTo != null) ? Backend.of(rampTo) : (rampCluster != null) ? Backend.KAFKA : null;
			Ramp ramp = (rampTarget != null)
					? new Ramp(rampTarget, rampCluster, (rampPercent != null) ? rampPercent : 0) : null;
			Route current = scope.equalsIgnoreCase("queue") ? this.router.rules().queues().get(name)
					: this.router.rules().tasks().get(name);
			OnUnavailable policy = (onUnavailable != null)
					? OnUnavailable.valueOf(onUnavailable.trim().toUpperCase(Locale.ROOT))
					: (current != null) ? current.onUnavailable() : OnUnavailable.FAIL;
			route = new Route(target, cluster, ramp, (shadow != null) ? Backend.of(shadow) : null, policy);
		}
		Route newRoute = route;
		RoutingRules rules = switch (scope.toLowerCase(Locale.ROOT)) {
			case "queue" -> {
				checkKnown(name);
				yield this.router.update((current) -> current.withQueue(name, newRoute));
			}
			case "task" -> this.router.update((current) -> current.withTask(name, newRoute));
			default -> throw new IllegalArgumentException("Unknown route scope '" + scope + "': queue or task");
		};
		return RoutingDescriptor.of(rules);
	}

	/**
	 * Set the default backend, or reread the routing rules from the environment.
	 * @param action {@code default} or {@code reload}
	 * @param backend the default backend, for {@code default}
	 * @return the rules now in force
	 */
	@WriteOperation
	public RoutingDescriptor routing(@Selector String action, @Nullable String backend) {
		RoutingRules rules = switch (action.toLowerCase(Locale.ROOT)) {
			case "default" -> {
				if (backend == null) {
					throw new IllegalArgumentException("'backend' is required to set the default backend");
				}
				Backend target = Backend.of(backend);
				yield this.router.update((current) -> current.withDefaultBackend(target));
			}
			case "reload" -> {
				RoutingRules configured = this.configuredRules.get();
				yield this.router.update((current) -> configured);
			}
			default -> throw new IllegalArgumentException("Unknown routing action '" + action + "': default or reload");
		};
		return RoutingDescriptor.of(rules);
	}

	/**
	 * Start, pause, resume, drain or stop the consumer of a queue on a backend (on Kafka,
	 * the default cluster's).
	 * @param backend {@code kafka} or {@code rabbitmq}
	 * @param queue the queue
	 * @param action {@code start}, {@code pause}, {@code resume}, {@code drain} or
	 * {@code stop}
	 * @return the consumer's state after the action
	 */
	@WriteOperation
	public ConsumerDescriptor consumer(@Selector String backend, @Selector String queue, @Selector String action) {
		return consumer(backend, queue, action, null);
	}

	/**
	 * Start, pause, resume, drain or stop the consumer of a queue on one Kafka cluster, at
	 * {@code kafkatasks/kafka/<cluster>/<queue>/<action>}: a request without a body, as for
	 * the default cluster's.
	 * @param backend {@code kafka}
	 * @param cluster the cluster, one of {@code kafka-task.worker.clusters}
	 * @param queue the queue
	 * @param action {@code start}, {@code pause}, {@code resume}, {@code drain} or
	 * {@code stop}
	 * @return the consumer's state after the action
	 */
	@WriteOperation
	public ConsumerDescriptor clusterConsumer(@Selector String backend, @Selector String cluster,
			@Selector String queue, @Selector String action) {
		return consumer(backend, queue, action, cluster);
	}

	/**
	 * Start, pause, resume, drain or stop the consumer of a queue on a backend and, on
	 * Kafka, a cluster: the one of {@code kafka-task.worker.clusters} that {@code cluster}
	 * names, the default one when it names none.
	 * @param backend {@code kafka} or {@code rabbitmq}
	 * @param queue the queue
	 * @param action {@code start}, {@code pause}, {@code resume}, {@code drain} or
	 * {@code stop}
	 * @param cluster the Kafka cluster, or {@code null} for the default one
	 * @return the consumer's state after the action
	 */
	public ConsumerDescriptor consumer(String backend, String queue, String action, @Nullable String cluster) {
		checkKnown(queue);
		TaskConsumer consumer;
		try {
			consumer = this.consumers.consumer(Backend.of(backend), cluster, queue);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		switch (action.toLowerCase(Locale.ROOT)) {
			case "start", "resume" -> consumer.start();
			case "pause" -> consumer.pause();
			case "drain" -> consumer.drain();
			case "stop" -> consumer.stop();
			default -> throw new IllegalArgumentException(
					"Unknown consumer action '" + action + "': start, pause, resume, drain or stop");
		}
		return ConsumerDescriptor.of(consumer, this.owners);
	}

	/**
	 * Refuse a write that names a queue this application does not know, or a topic or queue
	 * of kafka-task's own (dead letters, high priority, delays, replies): a consumer of
	 * {@code default.dlt} would run dead letters again.
	 */
	private void checkKnown(String queue) {
		boolean own = queue.endsWith(TaskTopics.DEAD_LETTER_SUFFIX) || queue.endsWith(".dlq")
				|| queue.endsWith(TaskTopics.HIGH_PRIORITY_SUFFIX) || queue.contains("__");
		boolean consumed = this.consumers.all().stream().anyMatch((consumer) -> consumer.queue().equals(queue));
		if (own || !(consumed || this.knownQueue.test(queue))) {
			String message = "Unknown queue '" + queue + "': name a queue of this application (a task's queue,"
					+ " kafka-task.kafka.queues, kafka-task.worker.queues, kafka-task.rabbitmq.queues or a routing rule's)";
			throw new InvalidEndpointRequestException(message, message);
		}
	}

	private List<RunningTaskDescriptor> running() {
		return this.running.get().stream().limit(MAX_RUNNING_SHOWN).map(RunningTaskDescriptor::of).toList();
	}

	private List<ConsumerDescriptor> consumers() {
		return this.consumers.all().stream().map((consumer) -> ConsumerDescriptor.of(consumer, this.owners)).toList();
	}

	/**
	 * Everything the endpoint shows.
	 *
	 * @param tasks the registered tasks
	 * @param routing the routing rules in force
	 * @param consumers the consumers by backend and queue
	 * @param optionWhitelist how each backend supports each Celery option ("no" when it does not)
	 * @param schedules the periodic tasks, with what this instance knows of them
	 * @param running the tasks running now on this instance
	 * @param deadLetterBackends the backends whose dead letters {@code deadletters/{queue}}
	 * lists and {@code redrive/{queue}} redrives ({@code kafka}, {@code rabbitmq})
	 * @param deadLetterClusters the Kafka clusters whose dead letters they reach with
	 * {@code cluster} ({@code default} first; none without the Kafka leg)
	 */
	public record KafkaTasksDescriptor(List<TaskDescriptor> tasks, RoutingDescriptor routing,
			List<ConsumerDescriptor> consumers, Map<String, Map<String, String>> optionWhitelist,
			List<ScheduleDescriptor> schedules, List<RunningTaskDescriptor> running, List<String> deadLetterBackends,
			List<String> deadLetterClusters) implements OperationResponseBody {
	}

	/**
	 * A revocation taken.
	 *
	 * @param taskId the task id
	 * @param at when it was revoked
	 * @param terminate whether a run of it is interrupted
	 * @param by who revoked it ({@code pid@host})
	 * @param stateBefore the task's state as this instance knew it then ({@code null}: no
	 * event of it read); a task that {@code succeeded} already is not undone
	 */
	public record RevocationDescriptor(String taskId, Instant at, boolean terminate, String by,
			@Nullable String stateBefore) {
	}

	/**
	 * A task running now on this instance.
	 *
	 * @param id its task id
	 * @param task its name
	 * @param delivery where it came from: {@code topic-partition@offset}, or the RabbitMQ queue
	 * and delivery tag
	 * @param started when it started
	 * @param attempt which run of it this is, from 1
	 */
	public record RunningTaskDescriptor(String id, String task, String delivery, Instant started, int attempt) {

		static RunningTaskDescriptor of(DeliveryHandler.RunningTask task) {
			return new RunningTaskDescriptor(task.taskId(), task.task(), task.delivery(), task.started(),
					task.attempt());
		}

	}

	/**
	 * What became of a task, from its lifecycle events.
	 *
	 * @param id its task id
	 * @param task its name
	 * @param state the latest step: {@code dispatched}, {@code received}, {@code started},
	 * {@code retried}, {@code succeeded}, {@code failed}, {@code expired},
	 * {@code dead-lettered} or {@code revoked}
	 * @param queue its queue
	 * @param backend its backend
	 * @param worker the instance that saw the latest step
	 * @param updated when that was
	 * @param attempt which run the latest step is about
	 * @param result what it returned (JSON text), once it succeeded
	 * @param error what went wrong
	 * @param reason the dead-letter reason
	 * @param arguments its arguments (JSON text), from its {@code dispatched} event, if read
	 * @param history the events read, oldest first
	 */
	public record TaskStateDescriptor(String id, String task, String state, String queue, String backend,
			String worker, Instant updated, int attempt, @Nullable String result, @Nullable String error,
			@Nullable String reason, @Nullable String arguments,
			List<EventDescriptor> history) implements OperationResponseBody {

		static TaskStateDescriptor of(TaskState state) {
			return new TaskStateDescriptor(state.taskId(), state.task(), state.state().code(), state.queue(),
					state.backend(), state.worker(), state.updated(), state.attempt(), state.result(), state.error(),
					state.reason(), state.arguments(), state.history().stream().map(EventDescriptor::of).toList());
		}

	}

	/**
	 * The tasks whose state changed last.
	 *
	 * @param tasks the tasks, newest first
	 */
	public record LatestTasksDescriptor(List<TaskSummaryDescriptor> tasks) implements OperationResponseBody {
	}

	/**
	 * What became of a task, without its history.
	 *
	 * @param id its task id
	 * @param task its name
	 * @param state the latest step, as in {@link TaskStateDescriptor}
	 * @param queue its queue
	 * @param backend its backend
	 * @param worker the instance that saw the latest step
	 * @param updated when that was
	 * @param attempt which run the latest step is about
	 * @param result what it returned (JSON text), cut to 200 characters
	 * @param error what went wrong, cut to 200 characters
	 * @param reason the dead-letter reason
	 */
	public record TaskSummaryDescriptor(String id, String task, String state, String queue, String backend,
			String worker, Instant updated, int attempt, @Nullable String result, @Nullable String error,
			@Nullable String reason) {

		static TaskSummaryDescriptor of(TaskState state) {
			return new TaskSummaryDescriptor(state.taskId(), state.task(), state.state().code(), state.queue(),
					state.backend(), state.worker(), state.updated(), state.attempt(), cut(state.result()),
					cut(state.error()), state.reason());
		}

		private static @Nullable String cut(@Nullable String text) {
			return (text != null && text.length() > MAX_SUMMARY_TEXT) ? text.substring(0, MAX_SUMMARY_TEXT) + "…"
					: text;
		}

	}

	/**
	 * What the lifecycle events of the last minute tell, and this instance's consumers.
	 *
	 * @param at when it was taken
	 * @param windowSeconds how far back the counts go, by the time each event happened
	 * @param instance this instance's name in events ({@code pid@host})
	 * @param tasks events by task in the window, by task name
	 * @param workers the instances that wrote events in the last 5 minutes, by name
	 * @param consumers the consumers of this instance
	 */
	public record ActivityDescriptor(Instant at, long windowSeconds, String instance,
			List<TaskActivityDescriptor> tasks, List<InstanceDescriptor> workers,
			List<ConsumerLoadDescriptor> consumers) implements OperationResponseBody {

		static ActivityDescriptor of(TaskActivity activity, String instance, List<ConsumerLoadDescriptor> consumers) {
			long seconds = activity.window().toSeconds();
			return new ActivityDescriptor(activity.at(), seconds, instance,
					activity.tasks().stream().map((counts) -> TaskActivityDescriptor.of(counts, seconds)).toList(),
					activity.workers().stream().map(InstanceDescriptor::of).toList(), consumers);
		}

	}

	/**
	 * The events of one task in the window.
	 *
	 * @param task the task name
	 * @param events how many events of each type it had ({@code dispatched},
	 * {@code succeeded}, ...; types without any left out)
	 * @param done runs that ended (succeeded, failed, expired, dead-lettered, revoked)
	 * @param failures runs that failed for good, expired or were dead-lettered
	 * @param perSecond runs that ended per second over the window
	 */
	public record TaskActivityDescriptor(String task, Map<String, Long> events, long done, long failures,
			double perSecond) {

		static TaskActivityDescriptor of(TaskActivity.TaskCounts counts, long windowSeconds) {
			Map<String, Long> events = new java.util.TreeMap<>();
			counts.counts().forEach((type, count) -> events.put(type.code(), count));
			long failures = counts.count(TaskEventType.FAILED) + counts.count(TaskEventType.EXPIRED)
					+ counts.count(TaskEventType.DEAD_LETTERED);
			return new TaskActivityDescriptor(counts.task(), events, counts.done(), failures,
					(double) counts.done() / Math.max(1, windowSeconds));
		}

	}

	/**
	 * An instance that wrote lifecycle events.
	 *
	 * @param name its name, {@code pid@host}
	 * @param lastSeen when its latest event happened
	 * @param queues the queues of the tasks it ran
	 * @param worker whether it ran tasks (else it only dispatched)
	 * @param done runs that ended on it in the window
	 * @param dispatched tasks it dispatched in the window
	 */
	public record InstanceDescriptor(String name, Instant lastSeen, List<String> queues, boolean worker, long done,
			long dispatched) {

		static InstanceDescriptor of(TaskActivity.Instance instance) {
			return new InstanceDescriptor(instance.name(), instance.lastSeen(), instance.queues(), instance.ranTasks(),
					instance.done(), instance.dispatched());
		}

	}

	/**
	 * A consumer of this instance and the tasks it runs now, read without asking a broker.
	 *
	 * @param backend the backend
	 * @param queue the queue
	 * @param state its state
	 * @param inFlight how many of its tasks run
	 */
	public record ConsumerLoadDescriptor(String backend, String queue, String state, int inFlight) {

		static ConsumerLoadDescriptor of(TaskConsumer consumer) {
			return new ConsumerLoadDescriptor(consumer.backend().id(), consumer.queue(),
					consumer.state().name().toLowerCase(Locale.ROOT), consumer.inFlight());
		}

	}

	/**
	 * One lifecycle event of a task.
	 *
	 * @param type what happened
	 * @param at when
	 * @param worker who saw it
	 * @param cluster the Kafka cluster it belongs to, that of the task's queue
	 * @param attempt which run it is about
	 * @param error what went wrong, if anything did
	 * @param reason the dead-letter reason
	 */
	public record EventDescriptor(String type, Instant at, String worker, String cluster, int attempt,
			@Nullable String error, @Nullable String reason) {

		static EventDescriptor of(TaskEvent event) {
			return new EventDescriptor(event.type().code(), event.at(), event.worker(), event.cluster(),
					event.attempt(), event.error(), event.reason());
		}

	}

	/**
	 * A periodic task. Every instance tells the same last fired slot and current leader.
	 *
	 * @param name the schedule's name
	 * @param task the task it dispatches
	 * @param trigger its cron expression and zone, or its rate
	 * @param missed its missed-slot policy
	 * @param nextFireTime its next slot, or {@code null} when it fires no more
	 * @param lastFiredSlot the last slot fired, as the beat's state topic says (every
	 * instance follows it), or {@code null} when it never fired
	 * @param leader whether this instance leads the beat, the one that fires
	 * @param currentLeader the instance that leads, as the group coordinator says, or
	 * {@code null} when none does or the brokers did not answer
	 */
	public record ScheduleDescriptor(String name, String task, String trigger, String missed,
			@Nullable Instant nextFireTime, @Nullable Instant lastFiredSlot, boolean leader,
			@Nullable LeaderDescriptor currentLeader) {

		static ScheduleDescriptor of(Beat.ScheduleState state, Beat.@Nullable Leader leader) {
			return new ScheduleDescriptor(state.schedule().name(), state.schedule().task(),
					state.schedule().trigger().describe(),
					state.schedule().missed().name().toLowerCase(Locale.ROOT).replace('_', '-'), state.nextFireTime(),
					state.lastFiredSlot(), state.leader(), (leader != null) ? LeaderDescriptor.of(leader) : null);
		}

	}

	/**
	 * The instance that leads the beat: the member of its group that owns its leader topic.
	 *
	 * @param memberId its member id in the group {@code <worker group>.beat}
	 * @param clientId its consumer's client id
	 * @param host its address, as the group coordinator sees it
	 * @param thisInstance whether it is the instance that answers
	 */
	public record LeaderDescriptor(String memberId, String clientId, String host, boolean thisInstance) {

		static LeaderDescriptor of(Beat.Leader leader) {
			return new LeaderDescriptor(leader.memberId(), leader.clientId(), leader.host(), leader.thisInstance());
		}

	}

	/**
	 * A registered task.
	 *
	 * @param name the task name
	 * @param queue its queue, or {@code null} for the default queue
	 * @param owner the team that owns it
	 * @param threads {@code virtual} or {@code platform}
	 * @param method the task method
	 * @param options its Celery options (annotation and properties)
	 * @param unsupportedOptions its policy for options a backend does not support
	 */
	public record TaskDescriptor(String name, @Nullable String queue, String owner, String threads, String method,
			Map<String, Object> options, String unsupportedOptions) {
	}

	/**
	 * Routing rules.
	 *
	 * @param defaultBackend the default backend
	 * @param stickyBy what keeps ramped dispatches on their route
	 * @param queues routes by queue
	 * @param tasks routes by task
	 */
	public record RoutingDescriptor(String defaultBackend, String stickyBy, Map<String, RouteDescriptor> queues,
			Map<String, RouteDescriptor> tasks) implements OperationResponseBody {

		static RoutingDescriptor of(RoutingRules rules) {
			return new RoutingDescriptor(rules.defaultBackend().id(),
					rules.stickyKey().name().toLowerCase(Locale.ROOT).replace('_', '-'), routes(rules.queues()),
					routes(rules.tasks()));
		}

		private static Map<String, RouteDescriptor> routes(Map<String, Route> routes) {
			Map<String, RouteDescriptor> described = new java.util.TreeMap<>();
			routes.forEach((name, route) -> described.put(name, RouteDescriptor.of(route)));
			return described;
		}

	}

	/**
	 * One route.
	 *
	 * @param backend the backend
	 * @param cluster the Kafka cluster when the backend is Kafka, or {@code null}
	 * @param rampTo where the ramp's share goes, or {@code null}
	 * @param rampCluster the Kafka cluster of the ramp's share when it goes to Kafka, or
	 * {@code null}
	 * @param rampPercent the ramp's share, or {@code null}
	 * @param shadow the backend of shadow copies, or {@code null}
	 * @param onUnavailable what a dispatch sent to RabbitMQ does while it is down
	 */
	public record RouteDescriptor(String backend, @Nullable String cluster, @Nullable String rampTo,
			@Nullable String rampCluster, @Nullable Double rampPercent, @Nullable String shadow,
			String onUnavailable) {

		static RouteDescriptor of(Route route) {
			Ramp ramp = route.ramp();
			return new RouteDescriptor(route.backend().id(), route.cluster(), (ramp != null) ? ramp.to().id() : null,
					(ramp != null) ? ramp.cluster() : null, (ramp != null) ? ramp.percent() : null,
					(route.shadow() != null) ? route.shadow().id() : null,
					route.onUnavailable().name().toLowerCase(Locale.ROOT));
		}

	}

	/**
	 * The consumer of one queue on one backend and, on Kafka, one cluster.
	 *
	 * @param backend the backend
	 * @param cluster the Kafka cluster it reads from; {@code null} on RabbitMQ
	 * @param queue the queue
	 * @param owner the team that owns the queue
	 * @param state its state
	 * @param inFlight how many of its tasks run
	 * @param assignment the Kafka partitions it holds ({@code topic-partition}); empty on
	 * RabbitMQ
	 * @param lag the messages waiting at the broker: the lag of its Kafka partitions, or the
	 * messages ready in its RabbitMQ queue; {@code -1} when it could not be read
	 */
	public record ConsumerDescriptor(String backend, @Nullable String cluster, String queue, String owner,
			String state, int inFlight, List<String> assignment, long lag) implements OperationResponseBody {

		static ConsumerDescriptor of(TaskConsumer consumer, TaskOwners owners) {
			return new ConsumerDescriptor(consumer.backend().id(), consumer.cluster(), consumer.queue(),
					owners.ofQueue(consumer.queue()),
					consumer.state().name().toLowerCase(Locale.ROOT), consumer.inFlight(), consumer.assignment(),
					consumer.backlog());
		}

	}

}
