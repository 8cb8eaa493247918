package dev.kafkatask.task;

import java.lang.reflect.Method;
import java.util.List;

import org.jspecify.annotations.Nullable;

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
 * @author kafka-task
 */
public record TaskDefinition(String name, @Nullable String queue, Object bean, Method method,
		List<TaskParameter> parameters, TaskThreads threads) {

	public TaskDefinition {
		parameters = List.copyOf(parameters);
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
