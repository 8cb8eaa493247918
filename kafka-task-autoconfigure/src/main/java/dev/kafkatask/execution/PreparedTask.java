package dev.kafkatask.execution;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.task.TaskContext;
import dev.kafkatask.task.TaskDefinition;

/**
 * A task ready to run: its definition, its context and its bound arguments, without the
 * message that carried it.
 *
 * @param task the task
 * @param context the context of the run
 * @param arguments the bound method arguments
 * @author kafka-task
 */
public record PreparedTask(TaskDefinition task, TaskContext context, @Nullable Object[] arguments) {

}
