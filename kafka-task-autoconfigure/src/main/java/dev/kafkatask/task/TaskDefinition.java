package dev.kafkatask.task;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.kafkatask.options.TaskOption;

/**
 * A registered task: its name, its queue and the bean method that runs it.
 *
 * @param name the task name
 * @param queue the queue the task is published to by default, or {@code null} for the
 * application's default queue
 * @param bean the bean that owns the method
 * @param method the method that runs the task
 * @param parameters the method's parameters, in declaration order
 * @param threads the threads the task runs on
 * @param options the task options its annotation sets, by Celery option
 * @param owner the team its annotation names as its owner, or {@code null}
 * @author kafka-task
 */
public record TaskDefinition(String name, @Nullable String queue, Object bean, Method method,
		List<TaskParameter> parameters, TaskThreads threads, Map<TaskOption, JsonNode> options,
		@Nullable String owner) {

	public TaskDefinition {
		parameters = List.copyOf(parameters);
		options = Map.copyOf(options);
	}

	/**
	 * Return a short description of the method, {@code Type.method(..)}, for messages.
	 * @return the description
	 */
	public String methodDescription() {
		return describe(this.method);
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + "(..)";
	}

}
