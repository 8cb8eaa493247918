package dev.kafkatask.execution;

import java.lang.reflect.InvocationTargetException;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.task.TaskContext;
import dev.kafkatask.task.TaskDefinition;

/**
 * Runs a task: binds the envelope's arguments and calls the task method on the calling
 * thread.
 *
 * @author kafka-task
 */
public class TaskInvoker {

	private final ArgumentBinder binder;

	public TaskInvoker(ArgumentBinder binder) {
		this.binder = binder;
	}

	/**
	 * Bind the arguments of an envelope to a task.
	 * @param task the task
	 * @param envelope the envelope
	 * @param context the context of the run
	 * @return the bound method arguments
	 * @throws ArgumentBindingException if the arguments do not bind
	 */
	public @Nullable Object[] bind(TaskDefinition task, TaskEnvelope envelope, TaskContext context) {
		return this.binder.bind(task, envelope.args(), envelope.kwargs(), context);
	}

	/**
	 * Call the task method with bound arguments.
	 * @param task the task
	 * @param arguments the bound arguments
	 * @return what the method returned
	 * @throws Exception what the method threw
	 */
	public @Nullable Object invoke(TaskDefinition task, @Nullable Object[] arguments) throws Exception {
		ReflectionUtils.makeAccessible(task.method());
		try {
			return task.method().invoke(task.bean(), arguments);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getTargetException();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

}
