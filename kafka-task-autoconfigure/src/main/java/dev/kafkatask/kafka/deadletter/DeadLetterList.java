package dev.kafkatask.kafka.deadletter;

import java.util.List;

/**
 * The dead letters of a queue that matched a filter, oldest first.
 *
 * @param queue the queue
 * @param deadLetters the dead letters, at most as many as asked for
 * @param scanned how many records of the dead-letter topics (or messages of the dead-letter
 * queue) were read
 * @param complete whether every match is listed: {@code false} when there were more
 * matches than asked for, or when the scan stopped at its bound before the end of the
 * topics or queue (narrow the time range to see the rest)
 * @author kafka-task
 */
public record DeadLetterList(String queue, List<DeadLetter> deadLetters, int scanned, boolean complete) {

	public DeadLetterList {
		deadLetters = List.copyOf(deadLetters);
	}

}
