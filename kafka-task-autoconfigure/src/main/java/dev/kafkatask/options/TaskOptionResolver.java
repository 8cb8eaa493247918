package dev.kafkatask.options;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import dev.kafkatask.routing.Backend;

/**
 * Works out the options of a task, by precedence: a dispatch's options override the
 * properties ({@code kafka-task.tasks.<name>.<option>}), which override the annotation's; and
 * decides what happens to options the chosen backend does not support, by the task's
 * {@link UnsupportedOptionPolicy} (the application's by default).
 *
 * @author kafka-task
 */
public class TaskOptionResolver {

	private static final Log logger = LogFactory.getLog(TaskOptionResolver.class);

	private final OptionWhitelist whitelist;

	private final UnsupportedOptionPolicy defaultPolicy;

	private final Map<String, TaskSettings> settings;

	private final AnnotatedOptions annotated;

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	private final Map<String, Map<TaskOption, JsonNode>> taskOptions = new ConcurrentHashMap<>();

	/**
	 * Create a resolver.
	 * @param whitelist the backends' support of options
	 * @param defaultPolicy the policy of tasks whose settings name none
	 * @param settings the configured settings of tasks, by task name
	 * @param annotated reads the options a task's annotation sets
	 */
	public TaskOptionResolver(OptionWhitelist whitelist, UnsupportedOptionPolicy defaultPolicy,
			Map<String, TaskSettings> settings, AnnotatedOptions annotated) {
		this.whitelist = whitelist;
		this.defaultPolicy = defaultPolicy;
		this.settings = Map.copyOf(settings);
		this.annotated = annotated;
	}

	/**
	 * Return the options of a task before any dispatch: the annotation's, overridden by the
	 * properties. Worked out once per task: both are fixed once the application runs, and
	 * every dispatch and every run asks.
	 * @param task the task name
	 * @return the options, unmodifiable
	 */
	public Map<TaskOption, JsonNode> taskOptions(String task) {
		return this.taskOptions.computeIfAbsent(task, (name) -> {
			Map<TaskOption, JsonNode> options = new EnumMap<>(TaskOption.class);
			options.putAll(this.annotated.options(name));
			TaskSettings configured = this.settings.get(name);
			if (configured != null) {
				options.putAll(configured.options());
			}
			return Collections.unmodifiableMap(options);
		});
	}

	/**
	 * Return the options of one dispatch: the task's, overridden by the dispatch's.
	 * @param task the task name
	 * @param dispatched the options the dispatch sets
	 * @return the options
	 */
	public Map<TaskOption, JsonNode> dispatchOptions(String task, Map<TaskOption, JsonNode> dispatched) {
		Map<TaskOption, JsonNode> options = new EnumMap<>(TaskOption.class);
		options.putAll(taskOptions(task));
		options.putAll(dispatched);
		return options;
	}

	/**
	 * Return the policy of a task.
	 * @param task the task name
	 * @return the policy
	 */
	public UnsupportedOptionPolicy policy(String task) {
		TaskSettings configured = this.settings.get(task);
		return (configured != null && configured.policy() != null) ? configured.policy() : this.defaultPolicy;
	}

	/**
	 * Decide how a dispatch goes given the options it sets: on the backend it was routed to,
	 * on RabbitMQ instead, or not at all.
	 * @param task the task name
	 * @param backend the backend it was routed to
	 * @param options its options
	 * @param rabbitAvailable whether the application can publish to RabbitMQ
	 * @return the outcome: the backend and the options to send
	 * @throws UnsupportedTaskOptionException if the policy rejects the dispatch
	 */
	public Resolution resolve(String task, Backend backend, Map<TaskOption, JsonNode> options,
			boolean rabbitAvailable) {
		List<TaskOption> unsupported = this.whitelist.unsupported(backend, options);
		if (unsupported.isEmpty()) {
			return new Resolution(backend, options, false);
		}
		UnsupportedOptionPolicy policy = policy(task);
		switch (policy) {
			case IGNORE -> {
				Map<TaskOption, JsonNode> kept = new EnumMap<>(TaskOption.class);
				kept.putAll(options);
				unsupported.forEach(kept::remove);
				for (TaskOption option : unsupported) {
					if (this.warned.add(task + "|" + option + "|" + backend)) {
						logger.warn("Task '" + task + "': option '" + option + "' is not supported on " + backend
								+ " and is ignored (unsupported-option policy: ignore)");
					}
				}
				return new Resolution(backend, kept, false);
			}
			case ROUTE_TO_RABBIT -> {
				if (backend != Backend.RABBITMQ && rabbitAvailable
						&& this.whitelist.unsupported(Backend.RABBITMQ, options).isEmpty()) {
					return new Resolution(Backend.RABBITMQ, options, true);
				}
			}
			case REJECT -> {
			}
		}
		throw new UnsupportedTaskOptionException(task, backend, unsupported);
	}

	/**
	 * Return the whitelist.
	 * @return the whitelist
	 */
	public OptionWhitelist whitelist() {
		return this.whitelist;
	}

	/**
	 * How a dispatch goes.
	 *
	 * @param backend the backend that takes it
	 * @param options the options it carries
	 * @param rerouted whether the policy sent it to RabbitMQ instead of the routed backend
	 */
	public record Resolution(Backend backend, Map<TaskOption, JsonNode> options, boolean rerouted) {
	}

	/**
	 * Reads the options a task's annotation sets.
	 */
	@FunctionalInterface
	public interface AnnotatedOptions {

		/**
		 * Return the options of a task's annotation.
		 * @param task the task name
		 * @return the options, empty for a task this application does not register
		 */
		Map<TaskOption, JsonNode> options(String task);

	}

}
