package dev.kafkatask.canvas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.kafkatask.dispatch.TaskOptions;

/**
 * One task with its arguments and options, not dispatched yet: Celery's {@code add.s(2, 2)}.
 * Each {@code with…} method, {@link #immutable()}, {@link #link} and {@link #linkError}
 * return a copy.
 *
 * @param task the task name
 * @param args the positional arguments, each a value JSON can carry
 * @param kwargs the keyword arguments
 * @param options the dispatch options
 * @param isImmutable whether the task ignores the result of the one before it (Celery's
 * {@code add.si(2, 2)}): an immutable signature gets only its own arguments
 * @param links the tasks to run after this one succeeded, each with its result first
 * @param errorLinks the tasks to run after this one failed for good, each with its id
 * first
 * @author kafka-task
 */
public record Signature(String task, List<@Nullable Object> args, Map<String, @Nullable Object> kwargs,
		TaskOptions options, boolean isImmutable, List<Signature> links, List<Signature> errorLinks)
		implements Canvas {

	public Signature {
		Assert.hasText(task, "'task' must not be empty");
		args = Collections.unmodifiableList(new ArrayList<>(args));
		kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
		links = List.copyOf(links);
		errorLinks = List.copyOf(errorLinks);
	}

	/**
	 * Return the signature of a task with positional arguments.
	 * @param task the task name
	 * @param args the positional arguments
	 * @return the signature
	 */
	public static Signature of(String task, @Nullable Object... args) {
		return new Signature(task, Arrays.asList(args), Map.of(), TaskOptions.none(), false, List.of(), List.of());
	}

	/**
	 * Return a copy with keyword arguments.
	 * @param kwargs the keyword arguments
	 * @return the copy
	 */
	public Signature withKwargs(Map<String, ? extends @Nullable Object> kwargs) {
		return new Signature(this.task, this.args, new LinkedHashMap<>(kwargs), this.options, this.isImmutable,
				this.links, this.errorLinks);
	}

	/**
	 * Return a copy with other dispatch options (a queue, a countdown, a task id, ...).
	 * Uniqueness and after-commit are options of the whole dispatch, not of its members.
	 * @param options the options
	 * @return the copy
	 */
	public Signature withOptions(TaskOptions options) {
		return new Signature(this.task, this.args, this.kwargs, options, this.isImmutable, this.links,
				this.errorLinks);
	}

	/**
	 * Return an immutable copy, which gets only its own arguments, never the result of the
	 * task before it: Celery's {@code .si()}.
	 * @return the copy
	 */
	public Signature immutable() {
		return new Signature(this.task, this.args, this.kwargs, this.options, true, this.links, this.errorLinks);
	}

	/**
	 * Return a copy that runs another task after it succeeded, with its result as that
	 * task's first argument (unless that one is immutable): Celery's {@code link}.
	 * @param callback the task to run
	 * @return the copy
	 */
	public Signature link(Signature callback) {
		List<Signature> links = new ArrayList<>(this.links);
		links.add(callback);
		return new Signature(this.task, this.args, this.kwargs, this.options, this.isImmutable, links,
				this.errorLinks);
	}

	/**
	 * Return a copy that runs another task after it failed for good (no retry left), with its
	 * task id as that task's first argument (unless that one is immutable) and the failure in
	 * the header {@value CanvasHeaders#ERROR}: Celery's {@code link_error}.
	 * @param errback the task to run
	 * @return the copy
	 */
	public Signature linkError(Signature errback) {
		List<Signature> errorLinks = new ArrayList<>(this.errorLinks);
		errorLinks.add(errback);
		return new Signature(this.task, this.args, this.kwargs, this.options, this.isImmutable, this.links,
				errorLinks);
	}

}
