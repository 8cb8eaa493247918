package dev.kafkatask.canvas;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A member of a chord that finished for good, as its worker reports it to the chord joiner.
 *
 * @param groupId the chord's group id
 * @param index the member's index in the group
 * @param taskId the member's task id
 * @param callback the chord's callback, a signature with its {@code chord_size}
 * @param succeeded whether the member succeeded
 * @param result what it returned, if it succeeded
 * @param error what it threw, {@code ExceptionClass: message}, if it failed
 * @author kafka-task
 */
public record ChordMember(String groupId, int index, String taskId, JsonNode callback, boolean succeeded,
		@Nullable JsonNode result, @Nullable String error) {

}
