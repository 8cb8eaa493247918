package dev.kafkatask.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.dispatch.BackendUnavailableException;
import dev.kafkatask.routing.Backend;

/**
 * The ledger of one fault of the {@code faults} scenario, by task id: when each task was
 * dispatched, when its dispatch was acknowledged (and to which partition and offset) or failed
 * (and how), and every run the workers' journals report, with its time and worker. It also
 * keeps the group's committed offsets as sampled during the fault, to tell how many finished
 * tasks were not committed yet at any moment: what a crash may run again. When tasks go to
 * both backends (a route ramped between RabbitMQ and Kafka), it keeps the leg of each too: the
 * backend of its receipt, or of its failure; tasks on RabbitMQ have no offset and are left out
 * of the committed-offset counts. All times are epoch milliseconds; every method is thread-safe.
 *
 * @author kafka-task
 */
final class FaultLedger {

	/**
	 * Share of the pre-fault rate at which completions count as recovered.
	 */
	static final double RECOVERED = 0.9;

	/**
	 * Share of the pre-fault rate below which a second of completions is the fault's doing, not
	 * noise.
	 */
	static final double DEEP = 0.5;

	private static final byte KAFKA = 1;

	private static final byte RABBITMQ = 2;

	private final String token;

	private final int capacity;

	private final int partitions;

	private final long[] dispatchedAt;

	private final long[] acknowledgedAt;

	private final long[] failedAt;

	private final int[] partition;

	private final long[] offset;

	private final int[] runs;

	private final long[] firstRunAt;

	/**
	 * The leg of each task: {@link #KAFKA}, {@link #RABBITMQ}, or 0 when not known yet.
	 */
	private final byte[] leg;

	private final int[] firstRunBy;

	private int dispatched;

	private long[] runTimes = new long[1024];

	private int runCount;

	private final List<String> sources = new ArrayList<>();

	private final Map<String, Errors> errors = new TreeMap<>();

	private @Nullable String errorSample;

	private long firstErrorAt;

	private long lastErrorAt;

	private final List<Sample> committed = new ArrayList<>();

	/**
	 * Create a ledger.
	 * @param token what the tasks of this fault carry, to tell their runs from others'
	 * @param capacity most tasks it can hold, ids {@code 0..capacity-1}
	 * @param partitions partitions of the task topic
	 */
	FaultLedger(String token, int capacity, int partitions) {
		this.token = token;
		this.capacity = capacity;
		this.partitions = partitions;
		this.dispatchedAt = new long[capacity];
		this.acknowledgedAt = new long[capacity];
		this.failedAt = new long[capacity];
		this.partition = new int[capacity];
		Arrays.fill(this.partition, -1);
		this.offset = new long[capacity];
		this.runs = new int[capacity];
		this.firstRunAt = new long[capacity];
		this.firstRunBy = new int[capacity];
		this.leg = new byte[capacity];
	}

	String token() {
		return this.token;
	}

	int capacity() {
		return this.capacity;
	}

	synchronized void dispatched(int id, long at) {
		this.dispatchedAt[id] = at;
		this.dispatched = Math.max(this.dispatched, id + 1);
	}

	synchronized void acknowledged(int id, long at, int partition, long offset) {
		acknowledged(id, at, Backend.KAFKA, partition, offset);
	}

	/**
	 * Record the acknowledgement of a dispatch by the backend that took it.
	 * @param id the task
	 * @param at when
	 * @param backend the backend of the receipt
	 * @param partition the Kafka partition, {@code -1} on RabbitMQ
	 * @param offset the Kafka offset, {@code -1} on RabbitMQ
	 */
	synchronized void acknowledged(int id, long at, Backend backend, int partition, long offset) {
		this.acknowledgedAt[id] = at;
		this.partition[id] = partition;
		this.offset[id] = offset;
		this.leg[id] = (backend == Backend.RABBITMQ) ? RABBITMQ : KAFKA;
	}

	synchronized void failed(int id, long at, Throwable failure) {
		this.failedAt[id] = at;
		this.leg[id] = (legOf(failure) == Backend.RABBITMQ) ? RABBITMQ : KAFKA;
		this.errors.computeIfAbsent(types(failure), (type) -> new Errors(describe(failure), at)).add(at);
		if (this.errorSample == null) {
			this.errorSample = describe(failure);
			this.firstErrorAt = at;
		}
		this.lastErrorAt = at;
	}

	/**
	 * Record a line of a worker's journal, {@code <token> <id> <epoch ms>}; lines of other
	 * tokens are ignored.
	 * @param source the worker
	 * @param line the line
	 */
	synchronized void journal(String source, String line) {
		String[] fields = line.split(" ");
		if (fields.length != 3 || !fields[0].equals(this.token)) {
			return;
		}
		int id = Integer.parseInt(fields[1]);
		long at = Long.parseLong(fields[2]);
		if (id < 0 || id >= this.capacity) {
			return;
		}
		if (this.runs[id]++ == 0) {
			this.firstRunAt[id] = at;
			int index = this.sources.indexOf(source);
			if (index < 0) {
				this.sources.add(source);
				index = this.sources.size() - 1;
			}
			this.firstRunBy[id] = index;
		}
		if (this.runCount == this.runTimes.length) {
			this.runTimes = Arrays.copyOf(this.runTimes, this.runCount * 2);
		}
		this.runTimes[this.runCount++] = at;
	}

	/**
	 * Record the group's committed offsets of the task topic at a moment.
	 * @param at when they were read
	 * @param offsets committed offset by partition, partitions without a commit left out
	 */
	synchronized void committed(long at, Map<Integer, Long> offsets) {
		long[] byPartition = new long[this.partitions];
		offsets.forEach((p, o) -> {
			if (p >= 0 && p < this.partitions) {
				byPartition[p] = o;
			}
		});
		this.committed.add(new Sample(at, byPartition));
	}

	synchronized int dispatched() {
		return this.dispatched;
	}

	/**
	 * Return how many tasks first ran in each second from {@code from}, the last one
	 * possibly partial.
	 * @param from the start of the first second
	 * @param to the end of the last
	 * @return the counts
	 */
	synchronized int[] completionsPerSecond(long from, long to) {
		int[] buckets = new int[(int) Math.max(0, (to - from + 999) / 1000)];
		for (int id = 0; id < this.dispatched; id++) {
			long at = this.firstRunAt[id];
			if (this.runs[id] > 0 && at >= from && at < to) {
				buckets[(int) ((at - from) / 1000)]++;
			}
		}
		return buckets;
	}

	/**
	 * Return how many tasks acknowledged before the given moment have not run.
	 * @param before the moment
	 * @return the count
	 */
	synchronized int notRunAcknowledgedBefore(long before) {
		int count = 0;
		for (int id = 0; id < this.dispatched; id++) {
			if (this.acknowledgedAt[id] != 0 && this.acknowledgedAt[id] < before && this.runs[id] == 0) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Return how many dispatches were neither acknowledged nor failed yet.
	 * @return the count
	 */
	synchronized int unresolved() {
		int count = 0;
		for (int id = 0; id < this.dispatched; id++) {
			if (this.acknowledgedAt[id] == 0 && this.failedAt[id] == 0) {
				count++;
			}
		}
		return count;
	}

	synchronized String progress() {
		int acknowledged = 0;
		int failed = 0;
		int ran = 0;
		for (int id = 0; id < this.dispatched; id++) {
			acknowledged += (this.acknowledgedAt[id] != 0) ? 1 : 0;
			failed += (this.failedAt[id] != 0) ? 1 : 0;
			ran += (this.runs[id] > 0) ? 1 : 0;
		}
		return "dispatched " + this.dispatched + ", acknowledged " + acknowledged + ", failed " + failed + ", ran "
				+ ran;
	}

	/**
	 * Return the figures of the fault.
	 * @param window the moments of the fault
	 * @param inFlightLimit most tasks the workers may have running at once
	 * @param dispatchRate tasks dispatched per second
	 * @return the figures
	 */
	synchronized Result figures(Window window, int inFlightLimit, double dispatchRate) {
		int acknowledged = 0;
		int failed = 0;
		int unresolved = 0;
		int acknowledgedNeverRun = 0;
		int failedButRan = 0;
		int unresolvedButRan = 0;
		int ran = 0;
		int ranTwice = 0;
		int extraRuns = 0;
		long[] delays = new long[this.dispatched];
		int delayCount = 0;
		for (int id = 0; id < this.dispatched; id++) {
			boolean isAcknowledged = this.acknowledgedAt[id] != 0;
			boolean isFailed = this.failedAt[id] != 0;
			acknowledged += isAcknowledged ? 1 : 0;
			failed += isFailed ? 1 : 0;
			unresolved += (!isAcknowledged && !isFailed) ? 1 : 0;
			int runs = this.runs[id];
			if (runs > 0) {
				ran++;
				delays[delayCount++] = Math.max(0, this.firstRunAt[id] - this.dispatchedAt[id]);
			}
			acknowledgedNeverRun += (isAcknowledged && runs == 0) ? 1 : 0;
			failedButRan += (isFailed && runs > 0) ? 1 : 0;
			unresolvedButRan += (!isAcknowledged && !isFailed && runs > 0) ? 1 : 0;
			ranTwice += (runs > 1) ? 1 : 0;
			extraRuns += Math.max(0, runs - 1);
		}
		long[] sortedDelays = Arrays.copyOf(delays, delayCount);
		Arrays.sort(sortedDelays);
		int uncommitted = uncommittedFinishedMax(window.streamStart(), window.end());
		Result result = new Result().put("dispatched", this.dispatched)
			.put("acknowledged", acknowledged)
			.put("dispatchErrors", failed)
			.put("dispatchErrorTypes", errorTypes(window.faultAt()))
			.put("dispatchErrorSample", this.errorSample)
			.put("dispatchErrorsFromS", (failed > 0) ? (this.firstErrorAt - window.faultAt()) / 1000.0 : null)
			.put("dispatchErrorsToS", (failed > 0) ? (this.lastErrorAt - window.faultAt()) / 1000.0 : null)
			.put("dispatchUnresolved", unresolved)
			.put("ran", ran)
			.put("acknowledgedNeverRun", acknowledgedNeverRun)
			.put("failedButRan", failedButRan)
			.put("unresolvedButRan", unresolvedButRan)
			.put("ranTwice", ranTwice)
			.put("extraRuns", extraRuns)
			.put("ranTwiceBound", uncommitted + inFlightLimit)
			.put("uncommittedFinishedMax", uncommitted)
			.put("inFlightLimit", inFlightLimit)
			.put("committedSamples", this.committed.size());
		int[] tail = uncommittedFinishedAtSamples(window.streamStart(), window.faultAt());
		long[] sortedTail = Arrays.stream(tail).asLongStream().sorted().toArray();
		result.put("uncommittedTailP50", percentile(sortedTail, 50))
			.put("uncommittedTailP99", percentile(sortedTail, 99))
			.put("uncommittedTailMax", (sortedTail.length > 0) ? sortedTail[sortedTail.length - 1] : null);
		Gap gap = longestGap(window.streamStart(), window.streamStop());
		result.put("longestCompletionGapMs", gap.millis())
			.put("longestGapFromS", (gap.millis() > 0) ? (gap.from() - window.faultAt()) / 1000.0 : null)
			.put("runDelayP50Ms", percentile(sortedDelays, 50))
			.put("runDelayP99Ms", percentile(sortedDelays, 99))
			.put("runDelayMaxMs", (sortedDelays.length > 0) ? sortedDelays[sortedDelays.length - 1] : null);
		double preFaultRate = preFaultRate(window, dispatchRate);
		Recovery recovery = recovery(window, preFaultRate);
		boolean recovered = recovery.seconds() >= 0;
		double faultSeconds = (window.restoredAt() - window.faultAt()) / 1000.0;
		result.put("preFaultRate", preFaultRate)
			.put("recoverySeconds", recovered ? recovery.seconds() : null)
			.put("recoveryAfterRestoreSeconds", recovered ? Math.max(0, recovery.seconds() - faultSeconds) : null)
			.put("secondsBelowRate", recovery.secondsBelow())
			.put("faultSeconds", faultSeconds)
			.put("completionsPerSecondFromS", -preFaultSeconds(window))
			.put("completionsPerSecond",
					completionsPerSecond(window.faultAt() - preFaultSeconds(window) * 1000L, window.streamStop()));
		return result;
	}

	/**
	 * Return how many finished tasks that a worker may run again, having no commit above them,
	 * were counted at worst: for each interval between two samples of the committed offsets,
	 * the tasks that first finished before its end at an offset at or above the committed one
	 * at its start (an upper estimate: commits within the interval are not seen; before the
	 * first sample, nothing counts as committed). Tasks whose offset is unknown (dispatch not
	 * acknowledged) count as uncommitted; tasks that went to RabbitMQ do not count (a RabbitMQ
	 * message is acknowledged after its task ran: see {@link #legs}).
	 * @param from the start of the window
	 * @param to its end
	 * @return the most such tasks at once
	 */
	synchronized int uncommittedFinishedMax(long from, long to) {
		List<Sample> samples = new ArrayList<>(this.committed);
		samples.sort((a, b) -> Long.compare(a.at(), b.at()));
		if (!samples.isEmpty() && samples.get(0).at() > from) {
			// before the first sample, nothing is known to be committed
			samples.add(0, new Sample(from, new long[this.partitions]));
		}
		int max = 0;
		for (int i = 0; i < samples.size(); i++) {
			Sample sample = samples.get(i);
			long end = (i + 1 < samples.size()) ? samples.get(i + 1).at() : to;
			if (end < from || sample.at() > to) {
				continue;
			}
			int count = 0;
			for (int id = 0; id < this.dispatched; id++) {
				if (this.runs[id] > 0 && this.firstRunAt[id] < end && this.leg[id] != RABBITMQ) {
					int p = this.partition[id];
					if (p < 0 || p >= this.partitions || this.offset[id] >= sample.offsets()[p]) {
						count++;
					}
				}
			}
			max = Math.max(max, count);
		}
		if (samples.isEmpty()) {
			// nothing known of the commits: every finished task may run again
			for (int id = 0; id < this.dispatched; id++) {
				max += (this.runs[id] > 0 && this.leg[id] != RABBITMQ) ? 1 : 0;
			}
		}
		return max;
	}

	/**
	 * Return, at each sample of the committed offsets taken in a window, how many tasks had
	 * finished by then at or above the committed offset of their partition: what a crash of
	 * every worker at that moment would run again (a crash of one worker, its share). Samples
	 * are taken every 200 ms, so this is the tail's distribution at random moments, as a
	 * crash would meet it; a task whose commit was on its way counts.
	 * @param from the start of the window (the stream's)
	 * @param to its end (the fault, so that the fault's own disorder does not count)
	 * @return one count per sample
	 */
	synchronized int[] uncommittedFinishedAtSamples(long from, long to) {
		List<Sample> samples = this.committed.stream()
			.filter((sample) -> sample.at() >= from && sample.at() <= to)
			.toList();
		int[] counts = new int[samples.size()];
		for (int i = 0; i < counts.length; i++) {
			Sample sample = samples.get(i);
			for (int id = 0; id < this.dispatched; id++) {
				int p = this.partition[id];
				if (this.runs[id] > 0 && this.firstRunAt[id] <= sample.at() && p >= 0 && p < this.partitions
						&& this.offset[id] >= sample.offsets()[p]) {
					counts[i]++;
				}
			}
		}
		return counts;
	}

	/**
	 * Return how many tasks that the given worker finished first were at or above the
	 * committed offsets of the first sample taken at or after a moment: for a worker killed
	 * then, what its successor may run again.
	 * @param source the worker
	 * @param at the moment
	 * @return the count, or {@code -1} when no sample was taken after it
	 */
	synchronized int finishedAboveCommitted(String source, long at) {
		int index = this.sources.indexOf(source);
		Sample after = this.committed.stream()
			.filter((sample) -> sample.at() >= at)
			.min((a, b) -> Long.compare(a.at(), b.at()))
			.orElse(null);
		if (after == null) {
			return -1;
		}
		int count = 0;
		for (int id = 0; id < this.dispatched; id++) {
			if (this.runs[id] > 0 && this.firstRunBy[id] == index && this.firstRunAt[id] <= at) {
				int p = this.partition[id];
				if (p < 0 || p >= this.partitions || this.offset[id] >= after.offsets()[p]) {
					count++;
				}
			}
		}
		return count;
	}

	/**
	 * Return the figures of each leg: per backend, the dispatches it acknowledged (all of them,
	 * and those dispatched while the fault lasted), those that failed on their way to it, the
	 * tasks that ran (twice), and those acknowledged but never run. A task whose dispatch was
	 * neither acknowledged nor failed has no leg and is not counted.
	 * @param window the moments of the fault
	 * @return the figures, by backend ({@code kafka}, {@code rabbitmq})
	 */
	synchronized Map<String, Map<String, Object>> legs(Window window) {
		Map<String, Map<String, Object>> legs = new LinkedHashMap<>();
		for (Backend backend : Backend.values()) {
			byte code = (backend == Backend.RABBITMQ) ? RABBITMQ : KAFKA;
			int acknowledged = 0;
			int acknowledgedDuringFault = 0;
			int failed = 0;
			int ran = 0;
			int ranTwice = 0;
			int neverRun = 0;
			for (int id = 0; id < this.dispatched; id++) {
				if (this.leg[id] != code) {
					continue;
				}
				boolean isAcknowledged = this.acknowledgedAt[id] != 0;
				acknowledged += isAcknowledged ? 1 : 0;
				acknowledgedDuringFault += (isAcknowledged && this.dispatchedAt[id] >= window.faultAt()
						&& this.dispatchedAt[id] < window.restoredAt()) ? 1 : 0;
				failed += (this.failedAt[id] != 0) ? 1 : 0;
				ran += (this.runs[id] > 0) ? 1 : 0;
				ranTwice += (this.runs[id] > 1) ? 1 : 0;
				neverRun += (isAcknowledged && this.runs[id] == 0) ? 1 : 0;
			}
			Map<String, Object> figures = new LinkedHashMap<>();
			figures.put("acknowledged", acknowledged);
			figures.put("acknowledgedDuringFault", acknowledgedDuringFault);
			figures.put("dispatchErrors", failed);
			figures.put("ran", ran);
			figures.put("ranTwice", ranTwice);
			figures.put("acknowledgedNeverRun", neverRun);
			legs.put(backend.id(), figures);
		}
		return legs;
	}

	/**
	 * Return the backend a failed dispatch was on its way to: RabbitMQ when a cause is Spring
	 * AMQP's, the RabbitMQ client's or kafka-task's RabbitMQ leg's, or a
	 * {@link BackendUnavailableException} of a route to RabbitMQ; otherwise Kafka.
	 * @param failure the failure, as the caller saw it
	 * @return the backend
	 */
	static Backend legOf(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String type = cause.getClass().getName();
			if (type.startsWith("org.springframework.amqp.") || type.startsWith("com.rabbitmq.")
					|| type.startsWith("dev.kafkatask.rabbit.")) {
				return Backend.RABBITMQ;
			}
			if (cause instanceof BackendUnavailableException && String.valueOf(cause.getMessage())
				.contains("routed to " + Backend.RABBITMQ.id() + " ")) {
				return Backend.RABBITMQ;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return Backend.KAFKA;
	}

	/**
	 * Return the longest time without any run finishing (duplicates included) between the
	 * first run after {@code from} and {@code to}.
	 */
	synchronized Gap longestGap(long from, long to) {
		long[] times = Arrays.copyOf(this.runTimes, this.runCount);
		Arrays.sort(times);
		long previous = Long.MIN_VALUE;
		Gap longest = new Gap(0, 0);
		for (long time : times) {
			if (time < from) {
				continue;
			}
			if (time > to) {
				time = to;
			}
			if (previous != Long.MIN_VALUE && time - previous > longest.millis()) {
				longest = new Gap(previous, time - previous);
			}
			previous = time;
			if (time == to) {
				break;
			}
		}
		if (previous != Long.MIN_VALUE && to - previous > longest.millis()) {
			longest = new Gap(previous, to - previous);
		}
		return longest;
	}

	/**
	 * Return the tasks first finished per second in the last seconds before the fault (at most
	 * five, at least one), but no more than the dispatch rate: a catch-up before the fault is
	 * not the rate to come back to.
	 * @param window the moments of the fault
	 * @param dispatchRate tasks dispatched per second
	 * @return the rate
	 */
	double preFaultRate(Window window, double dispatchRate) {
		int seconds = preFaultSeconds(window);
		int total = 0;
		for (int count : completionsPerSecond(window.faultAt() - seconds * 1000L, window.faultAt())) {
			total += count;
		}
		return Math.min(dispatchRate, (double) total / seconds);
	}

	private static int preFaultSeconds(Window window) {
		// the second half of the steady stream, at most 5 s: its start still warms up
		return Math.clamp((window.faultAt() - window.streamStart()) / 2000, 1, 5);
	}

	/**
	 * Return when completions were back at the pre-fault rate: the start of the first three
	 * whole seconds in a row (counted from the fault, up to the end of the stream) with at
	 * least {@link #RECOVERED} of it each, after the last second below {@link #DEEP} of it;
	 * zero when no second fell below {@link #RECOVERED} of it. The seconds below 90 % that
	 * come later (noise of a busy machine, or mild dips) are only counted.
	 * @param window the moments of the fault
	 * @param rate the pre-fault rate
	 * @return the recovery
	 */
	Recovery recovery(Window window, double rate) {
		int[] buckets = completionsPerSecond(window.faultAt(), window.streamStop());
		int whole = Math.min(buckets.length, (int) ((window.streamStop() - window.faultAt()) / 1000));
		int lastDeep = -1;
		int below = 0;
		for (int i = 0; i < whole; i++) {
			if (buckets[i] < DEEP * rate) {
				lastDeep = i;
			}
			if (buckets[i] < RECOVERED * rate) {
				below++;
			}
		}
		if (below == 0) {
			return new Recovery(0, 0);
		}
		for (int i = lastDeep + 1; i + 2 < whole; i++) {
			if (buckets[i] >= RECOVERED * rate && buckets[i + 1] >= RECOVERED * rate
					&& buckets[i + 2] >= RECOVERED * rate) {
				return new Recovery(i, below);
			}
		}
		return new Recovery(-1, below);
	}

	private static @Nullable Long percentile(long[] sorted, double percent) {
		if (sorted.length == 0) {
			return null;
		}
		int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
		return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
	}

	private Map<String, Map<String, Object>> errorTypes(long origin) {
		Map<String, Map<String, Object>> types = new LinkedHashMap<>();
		this.errors.forEach((type, errors) -> {
			Map<String, Object> figures = new LinkedHashMap<>();
			figures.put("count", errors.count);
			figures.put("fromS", (errors.first - origin) / 1000.0);
			figures.put("toS", (errors.last - origin) / 1000.0);
			figures.put("sample", errors.sample);
			types.put(type, figures);
		});
		return types;
	}

	/**
	 * Return the exception classes of a failure, outermost first, wrappers of futures left out.
	 */
	static String types(Throwable failure) {
		List<String> names = new ArrayList<>();
		for (Throwable cause = unwrap(failure); cause != null && names.size() < 5; cause = cause.getCause()) {
			names.add(cause.getClass().getSimpleName());
		}
		return String.join(" < ", names);
	}

	/**
	 * Return the classes and messages of a failure's causes, outermost first.
	 */
	static String describe(Throwable failure) {
		List<String> parts = new ArrayList<>();
		for (Throwable cause = unwrap(failure); cause != null && parts.size() < 5; cause = cause.getCause()) {
			parts.add(cause.getClass().getName() + ": " + cause.getMessage());
		}
		return String.join(" < caused by ", parts);
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * The dispatch errors of one type: how many, when, and the first one's message.
	 */
	private static final class Errors {

		private final String sample;

		private final long first;

		private long last;

		private int count;

		Errors(String sample, long first) {
			this.sample = sample;
			this.first = first;
		}

		void add(long at) {
			this.count++;
			this.last = Math.max(this.last, at);
		}

	}

	/**
	 * The committed offsets at a moment, by partition.
	 */
	private record Sample(long at, long[] offsets) {
	}

	/**
	 * The moments of a fault: the stream started, the fault began, it was undone, the stream
	 * stopped, and the run stopped looking (the drain included).
	 *
	 * @param streamStart when the first task was dispatched
	 * @param faultAt when the fault began
	 * @param restoredAt when it was undone (the node or worker back)
	 * @param streamStop when the last task was dispatched
	 * @param end when the run stopped looking
	 */
	record Window(long streamStart, long faultAt, long restoredAt, long streamStop, long end) {
	}

	/**
	 * A gap between completions.
	 *
	 * @param from when it began
	 * @param millis how long it lasted
	 */
	record Gap(long from, long millis) {
	}

	/**
	 * How long completions took to come back.
	 *
	 * @param seconds from the fault to the first of three seconds in a row back at the
	 * pre-fault rate, {@code -1} if they did not come back before the stream stopped
	 * @param secondsBelow how many seconds were below the pre-fault rate
	 */
	record Recovery(int seconds, int secondsBelow) {
	}

}
