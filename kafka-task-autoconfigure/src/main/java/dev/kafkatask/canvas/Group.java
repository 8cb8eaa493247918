package dev.kafkatask.canvas;

import java.util.List;

/**
 * Tasks that run side by side, each on its own: Celery's {@code group}. Each member knows its
 * group's id and its index in it (the {@code group} and {@code group_index} options).
 *
 * @param tasks the tasks, in order
 * @author kafka-task
 * @see Canvas#group
 */
public record Group(List<Signature> tasks) implements Canvas {

	public Group {
		tasks = List.copyOf(tasks);
	}

}
