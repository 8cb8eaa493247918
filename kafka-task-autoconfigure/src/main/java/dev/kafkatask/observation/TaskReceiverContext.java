package dev.kafkatask.observation;

import io.micrometer.observation.transport.ReceiverContext;

import dev.kafkatask.task.TaskContext;

/**
 * {@link ReceiverContext} of a task's execution, whichever backend it came from: its
 * carrier is the {@link TaskContext}, whose headers a propagating handler reads the trace
 * context from.
 *
 * @author kafka-task
 */
public class TaskReceiverContext extends ReceiverContext<TaskContext> {

	private final TaskContext taskContext;

	/**
	 * Create a context.
	 * @param taskContext the running task's context
	 */
	public TaskReceiverContext(TaskContext taskContext) {
		super((carrier, key) -> carrier.headers().get(key));
		this.taskContext = taskContext;
		setCarrier(taskContext);
		setRemoteServiceName(taskContext.backend().id());
	}

	/**
	 * Return the context of the running task: its id, name, queue, backend and headers.
	 * @return the task context
	 */
	public TaskContext getTaskContext() {
		return this.taskContext;
	}

}
