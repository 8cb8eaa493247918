package dev.kafkatask.dispatch;

import java.time.Instant;

/**
 * The dispatch that holds a unique key: the first one enqueued with it whose window had not
 * passed when the others came.
 *
 * @param key the uniqueness key
 * @param taskId the id of the task that holds it
 * @param task the name of that task
 * @param claimedAt when it was claimed
 * @param until when the key is free again
 * @author kafka-task
 */
public record UniqueClaim(String key, String taskId, String task, Instant claimedAt, Instant until) {

}
