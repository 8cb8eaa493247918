package dev.kafkatask.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;

/**
 * Sends one task of a benchmark: through kafka-task's {@link TaskDispatcher}, or, for the
 * spring-kafka engine's {@code table}, through a {@link RawTaskProducer}.
 *
 * @author kafka-task
 */
@FunctionalInterface
interface TaskSender {

	/**
	 * Send a task.
	 * @param task the task name
	 * @param args its positional arguments (numbers)
	 * @return completes when the broker took it
	 */
	CompletableFuture<?> send(String task, List<Long> args);

	/**
	 * Return a sender that dispatches with a dispatcher.
	 * @param dispatcher the dispatcher
	 * @param options the options of every dispatch
	 * @return the sender
	 */
	static TaskSender of(TaskDispatcher dispatcher, TaskOptions options) {
		return (task, args) -> dispatcher.dispatch(task, args, Map.of(), options);
	}

}
