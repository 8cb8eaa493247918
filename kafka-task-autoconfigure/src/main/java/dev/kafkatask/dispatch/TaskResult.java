package dev.kafkatask.dispatch;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a task returned, or how it failed, for a dispatch that asked for its result
 * ({@code ignore_result=false}), like a result of Celery's rpc backend.
 *
 * @param taskId the task id
 * @param task the task name
 * @param succeeded whether the task returned
 * @param value what it returned, as JSON ({@code null} JSON for {@code void}), or
 * {@code null} if it failed
 * @param errorType the class of what it threw, or {@code null}
 * @param errorMessage the message of what it threw, or {@code null}
 * @author kafka-task
 */
public record TaskResult(String taskId, String task, boolean succeeded, @Nullable JsonNode value,
		@Nullable String errorType, @Nullable String errorMessage) {

}
