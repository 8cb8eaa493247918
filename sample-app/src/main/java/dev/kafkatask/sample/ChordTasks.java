package dev.kafkatask.sample;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskContext;

/**
 * A chord, Celery canvas's way: {@code demo.square} for each number side by side, then
 * {@code demo.total} once with all the squares, in order ({@code POST /demo/chord}).
 *
 * @author kafka-task
 */
@Component
public class ChordTasks {

	private static final Log logger = LogFactory.getLog(ChordTasks.class);

	private final Deque<Total> totals = new ArrayDeque<>();

	@KafkaTask(name = "demo.square")
	public long square(long number) {
		return number * number;
	}

	@KafkaTask(name = "demo.total")
	public long total(List<Long> squares, TaskContext context) {
		long total = squares.stream().mapToLong(Long::longValue).sum();
		logger.info("Chord callback " + context.id() + ": " + squares.size() + " squares, total " + total);
		synchronized (this.totals) {
			this.totals.addFirst(new Total(context.id(), squares.size(), total));
			while (this.totals.size() > 20) {
				this.totals.removeLast();
			}
		}
		return total;
	}

	/**
	 * Return the last 20 chord callbacks, newest first.
	 * @return the totals
	 */
	public List<Total> totals() {
		synchronized (this.totals) {
			return List.copyOf(this.totals);
		}
	}

	/**
	 * One chord callback.
	 *
	 * @param taskId the callback's task id
	 * @param squares how many results it got
	 * @param total their sum
	 */
	public record Total(String taskId, int squares, long total) {
	}

}
