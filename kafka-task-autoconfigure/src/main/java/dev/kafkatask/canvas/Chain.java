package dev.kafkatask.canvas;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.Assert;

/**
 * Tasks that run one after another, each once the one before it succeeded, with that one's
 * result as its first argument (unless it is immutable); if one fails for good, the rest do
 * not run. Celery's {@code chain}. The rest of the chain travels in each task, so no worker
 * waits or polls for the one before.
 *
 * @param tasks the tasks, in order
 * @param errorLinks tasks to run when any task of the chain fails for good
 * @author kafka-task
 * @see Canvas#chain
 */
public record Chain(List<Signature> tasks, List<Signature> errorLinks) implements Canvas {

	public Chain {
		Assert.notEmpty(tasks, "A chain needs at least one task");
		tasks = List.copyOf(tasks);
		errorLinks = List.copyOf(errorLinks);
	}

	/**
	 * Return a copy whose every task runs the errback if it fails for good, as Celery's
	 * {@code chain.on_error} does.
	 * @param errback the task to run, with the failed task's id as its first argument
	 * @return the copy
	 */
	public Chain linkError(Signature errback) {
		List<Signature> errorLinks = new ArrayList<>(this.errorLinks);
		errorLinks.add(errback);
		return new Chain(this.tasks, errorLinks);
	}

}
