package dev.kafkatask.canvas;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.dispatch.DispatchReceipt;

/**
 * What a dispatched canvas became: the ids of all of its tasks, given before any of them
 * ran, and the receipts of the tasks enqueued now.
 *
 * @param id the id of the task whose result is the canvas's result: a single task's, a
 * chain's last task's, a chord's callback's; for a group, the group's id
 * @param taskIds the ids of the tasks, in the canvas's order: a chain's tasks, a group's
 * members, a chord's members and then its callback
 * @param groupId the id of the group of a group or chord, or {@code null}
 * @param sent the receipts of the tasks enqueued now: a chain's first task, every member of
 * a group or chord (the rest are enqueued by the workers)
 * @author kafka-task
 */
public record CanvasReceipt(String id, List<String> taskIds, @Nullable String groupId, List<DispatchReceipt> sent) {

	public CanvasReceipt {
		taskIds = List.copyOf(taskIds);
		sent = List.copyOf(sent);
	}

}
