package dev.kafkatask.kafka.beat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.function.SingletonSupplier;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.execution.FinishedTasks;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.schedule.Schedule;
import dev.kafkatask.schedule.ScheduleSlots;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * Celery beat on Kafka: fires the slots of the application's schedules on the one instance
 * of the group that {@link LeaderElection leads}.
 * <p>
 * On its supervised thread ({@code beat}) it creates its topics, then polls the election;
 * each time this instance becomes the leader it reads the last fired slots of the
 * {@link ScheduleStateStore state topic} to the end before it fires anything (never on
 * stale state). Then, between polls, for each due slot of each schedule
 * ({@link ScheduleSlots}: on time, and missed ones per the schedule's policy) it dispatches
 * the task through the {@link TaskDispatcher} with the task id {@code <schedule>@<slot>},
 * waits for the broker's acknowledgement, and only then records the slot. A crash between
 * the two fires that slot again under the same id: delivery is at-least-once, and a repeat
 * is recognisable by its id.
 * <p>
 * A failure (dispatch, record, read) is logged, counted and backed off from. A slot whose
 * dispatch failed stays due and is tried again, with the same id; a slot dispatched but not
 * recorded is not fired again by this leader, which writes its record before anything else.
 * <p>
 * Every instance, leader or not, follows the state topic between polls, so that each
 * {@link #states() knows} the last fired slots; with a {@link #setGroupView view of the
 * group} each can also tell {@link #currentLeader(Duration) which member leads}, and the
 * beat refuses to {@link #start() start} with a session timeout the brokers do not allow.
 *
 * @author kafka-task
 */
public class Beat implements SmartLifecycle {

	/**
	 * The name of its thread in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "beat";

	/**
	 * The {@link #getPhase() phase} of the beat: after the worker's, so that it starts after
	 * the worker and stops before it — a stopping instance hands leadership over at once,
	 * not after its worker waited for its running tasks.
	 */
	public static final int PHASE = TaskWorker.DEFAULT_PHASE + 50;

	private static final Log logger = LogFactory.getLog(Beat.class);

	private static final Duration LONGEST_POLL = Duration.ofMillis(500);

	private static final Duration SHORTEST_POLL = Duration.ofMillis(5);

	private final BeatSettings settings;

	private final LeaderElection election;

	private final ScheduleStateStore state;

	private final TaskDispatcher dispatcher;

	private final SingletonSupplier<List<Schedule>> schedules;

	private final Runnable topicSetup;

	private final TaskObserver observer;

	private final SupervisedThread thread;

	private final Map<String, Instant> lastFired = new ConcurrentHashMap<>();

	private final Map<String, Duration> lastLateness = new ConcurrentHashMap<>();

	/**
	 * Slots dispatched whose record failed, by schedule: written before anything else fires,
	 * so that a failed record does not fire its slot again on this leader.
	 */
	private final Map<String, Instant> unrecorded = new ConcurrentHashMap<>();

	private volatile @Nullable BeatGroupView group;

	private Clock clock = Clock.systemUTC();

	private boolean autoStartup = true;

	private volatile boolean topicsReady;

	private volatile boolean leaveGroupOnClose = true;

	/**
	 * The leadership term whose state was read, {@code -1} for none.
	 */
	private volatile long stateTerm = -1;

	/**
	 * Create a beat.
	 * @param settings its settings
	 * @param election the election of the leader
	 * @param state the last fired slots
	 * @param dispatcher dispatches the tasks of slots
	 * @param schedules the schedules, read once, when first needed
	 * @param topicSetup creates the leader and state topics, on the beat's thread
	 * @param observer told of fired slots and of failures
	 */
	public Beat(BeatSettings settings, LeaderElection election, ScheduleStateStore state, TaskDispatcher dispatcher,
			Supplier<List<Schedule>> schedules, Runnable topicSetup, TaskObserver observer) {
		this.settings = settings;
		this.election = election;
		this.state = state;
		this.dispatcher = dispatcher;
		this.schedules = SingletonSupplier.of(schedules);
		this.topicSetup = topicSetup;
		this.observer = observer;
		this.thread = new SupervisedThread(THREAD, "kafka-task-beat", new Loop(), observer);
	}

	/**
	 * Set the clock of slots.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Set the view of the beat's group through which the brokers are asked who leads and
	 * which session timeouts they allow; without one, neither is known.
	 * @param group the view
	 */
	public void setGroupView(BeatGroupView group) {
		this.group = group;
	}

	/**
	 * Set whether the beat starts with the application context.
	 * @param autoStartup whether it starts on its own
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	/**
	 * Return the schedules, read and checked the first time.
	 * @return the schedules
	 */
	public List<Schedule> schedules() {
		return this.schedules.obtain();
	}

	/**
	 * Return the settings.
	 * @return the settings
	 */
	public BeatSettings getSettings() {
		return this.settings;
	}

	/**
	 * Start the beat's thread, unless there are no schedules. First ask the brokers which
	 * session timeouts they allow, where they answer: one they would refuse fails the start.
	 * @throws BeatSessionTimeoutException if the brokers do not allow the session timeout
	 */
	@Override
	public void start() {
		if (schedules().isEmpty()) {
			logger.debug("Beat: no schedules, no leader election");
			return;
		}
		checkSessionTimeout();
		this.thread.start();
	}

	@Override
	public void stop() {
		this.thread.stop(Duration.ofSeconds(15));
		BeatGroupView view = this.group;
		if (view != null) {
			view.close();
		}
	}

	/**
	 * Stop as a crashed instance would, for failover tests and drills: stop firing and close
	 * the election's consumer without leaving the group, so that another instance leads only
	 * once this one's session has timed out.
	 */
	public void halt() {
		this.leaveGroupOnClose = false;
		this.thread.stop(Duration.ofSeconds(15));
		this.leaveGroupOnClose = true;
	}

	@Override
	public boolean isRunning() {
		return this.thread.isRunning();
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Return whether this instance leads: the only one of its group that fires.
	 * @return whether it leads
	 */
	public boolean isLeader() {
		return this.isRunning() && this.election.isLeader() && this.stateTerm == this.election.term();
	}

	/**
	 * Return the state of each schedule, as this instance knows it: the last fired slot as
	 * the state topic says (every instance follows it; the leader also knows its own
	 * records), without I/O.
	 * @return the states, in the order of the schedules
	 */
	public List<ScheduleState> states() {
		boolean leader = isLeader();
		Instant now = this.clock.instant();
		Map<String, Instant> fired = this.state.lastFiredSlots();
		List<ScheduleState> states = new ArrayList<>();
		for (Schedule schedule : schedules()) {
			Duration lateness = this.lastLateness.get(schedule.name());
			states.add(new ScheduleState(schedule, schedule.trigger().next(now), fired.get(schedule.name()), leader,
					lateness));
		}
		return states;
	}

	/**
	 * Ask the group coordinator which member of the beat's group leads: the same answer on
	 * every instance.
	 * @param timeout how long to wait for the brokers
	 * @return the leader, or {@code null} when no member leads, the beat does not run, it has
	 * no {@link #setGroupView view of its group} or the brokers did not answer in time
	 */
	public @Nullable Leader currentLeader(Duration timeout) {
		BeatGroupView view = this.group;
		if (view == null || !isRunning()) {
			return null;
		}
		try {
			BeatGroupView.Member member = view.leader(timeout);
			return (member != null) ? new Leader(member.memberId(), member.clientId(), member.host(),
					member.memberId().equals(this.election.memberId())) : null;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug("Beat: could not ask the brokers which member of group " + this.settings.groupId()
					+ " leads", ex);
			return null;
		}
	}

	private void checkSessionTimeout() {
		BeatGroupView view = this.group;
		if (view != null) {
			view.checkSessionTimeout(this.settings.sessionTimeout());
		}
	}

	private void iterate() throws Exception {
		if (!this.topicsReady) {
			this.topicSetup.run();
			this.topicsReady = true;
		}
		try {
			this.election.poll(pollTimeout());
		}
		catch (InvalidSessionTimeoutException ex) {
			BeatGroupView view = this.group;
			throw (view != null) ? view.sessionTimeoutRefused(this.settings.sessionTimeout(), ex)
					: new BeatSessionTimeoutException(this.settings.sessionTimeout(), null, ex);
		}
		// Every instance follows the last fired slots, so that each can tell them.
		this.state.follow();
		if (!this.election.isLeader()) {
			this.stateTerm = -1;
			return;
		}
		long term = this.election.term();
		if (this.stateTerm != term) {
			takeOver();
			this.stateTerm = term;
		}
		recordUnrecorded();
		for (Schedule schedule : schedules()) {
			fireDue(schedule);
		}
	}

	/**
	 * Read the last fired slots, to the end of the state topic, before firing anything.
	 */
	private void takeOver() throws Exception {
		// Slots this instance could not record in an earlier term are not written now: another
		// leader may have fired later ones since, and the state must never go back.
		this.unrecorded.clear();
		Map<String, Instant> read = this.state.readAll();
		Instant now = this.clock.instant();
		this.lastFired.clear();
		for (Schedule schedule : schedules()) {
			Instant last = read.get(schedule.name());
			// A schedule never fired starts from now: its next slot, not its past ones.
			this.lastFired.put(schedule.name(), (last != null) ? last : now);
		}
		logger.info("Beat: leading group " + this.settings.groupId() + ", last fired slots " + read);
	}

	private void fireDue(Schedule schedule) throws Exception {
		Instant now = this.clock.instant();
		ScheduleSlots.Due due = ScheduleSlots.due(schedule, this.lastFired.get(schedule.name()), now);
		if (due.leftOut() > 0) {
			logger.warn("Beat: schedule '" + schedule.name() + "' missed " + due.missed() + " slot(s) since "
					+ this.lastFired.get(schedule.name()) + "; " + due.leftOut() + " not fired (missed: "
					+ schedule.missed().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
			for (long i = 0; i < due.leftOut(); i++) {
				this.observer.scheduleFired(schedule.name(), schedule.task(), "skipped");
			}
		}
		for (Instant slot : due.slots()) {
			fire(schedule, slot);
		}
		if (due.slots().isEmpty() && due.missed() > 0) {
			// Everything was skipped: go on from now, so that the same slots are not weighed again.
			this.lastFired.put(schedule.name(), now.minus(schedule.grace()));
		}
	}

	private void fire(Schedule schedule, Instant slot) throws Exception {
		String taskId = schedule.taskId(slot);
		TaskOptions options = TaskOptions.none().withTaskId(taskId);
		for (var option : schedule.options().entrySet()) {
			options = options.withOption(option.getKey().celeryName(), option.getValue());
		}
		// A slot fired twice (a new leader that did not read the last one's record) runs once.
		options = options.withHeader(FinishedTasks.HEADER, "true");
		try {
			this.dispatcher.dispatch(schedule.task(), schedule.args(), schedule.kwargs(), options)
				.get(this.settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			this.observer.scheduleFired(schedule.name(), schedule.task(), "failed");
			Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
			throw new IllegalStateException("Beat could not fire " + taskId + " (task " + schedule.task()
					+ "); it is tried again with the same id: " + cause, cause);
		}
		this.lastFired.put(schedule.name(), slot);
		Duration lateness = Duration.between(slot, this.clock.instant());
		this.lastLateness.put(schedule.name(), lateness);
		this.observer.scheduleFired(schedule.name(), schedule.task(), "fired");
		logger.debug("Beat: fired " + taskId + " (" + lateness.toMillis() + " ms late)");
		try {
			this.state.record(schedule.name(), slot);
		}
		catch (Exception ex) {
			this.observer.scheduleFired(schedule.name(), schedule.task(), "failed");
			// Dispatched: this leader does not fire it again, and writes the record first thing
			// next time. Were another instance to lead before that, it would fire the slot again.
			this.unrecorded.put(schedule.name(), slot);
			throw new RecordFailedException("Beat fired " + taskId + " but could not record it; the record is "
					+ "tried again: " + ex, ex);
		}
	}

	private void recordUnrecorded() throws RecordFailedException {
		for (Map.Entry<String, Instant> pending : this.unrecorded.entrySet()) {
			try {
				this.state.record(pending.getKey(), pending.getValue());
			}
			catch (Exception ex) {
				throw new RecordFailedException("Beat could not record slot " + pending.getValue() + " of schedule '"
						+ pending.getKey() + "' again; tried again: " + ex, ex);
			}
			this.unrecorded.remove(pending.getKey(), pending.getValue());
		}
	}

	/**
	 * Poll until the next slot of any schedule, at most {@link #LONGEST_POLL}: the poll is
	 * also what keeps this instance in the group.
	 */
	private Duration pollTimeout() {
		if (!this.election.isLeader()) {
			return LONGEST_POLL;
		}
		Instant now = this.clock.instant();
		Duration wait = LONGEST_POLL;
		for (Schedule schedule : schedules()) {
			Instant next = schedule.trigger().next(now);
			if (next != null) {
				Duration untilNext = Duration.between(now, next);
				if (untilNext.compareTo(wait) < 0) {
					wait = untilNext;
				}
			}
		}
		return (wait.compareTo(SHORTEST_POLL) < 0) ? SHORTEST_POLL : wait;
	}

	/**
	 * What this instance knows of one schedule.
	 *
	 * @param schedule the schedule
	 * @param nextFireTime its next slot, or {@code null} when it fires no more
	 * @param lastFiredSlot the last slot fired, as the state topic says, or {@code null}
	 * when it says none (never fired, or not read yet)
	 * @param leader whether this instance leads
	 * @param lastLateness how late this instance fired its last slot, or {@code null}
	 */
	public record ScheduleState(Schedule schedule, @Nullable Instant nextFireTime, @Nullable Instant lastFiredSlot,
			boolean leader, @Nullable Duration lastLateness) {
	}

	/**
	 * The member of the beat's group that leads, as the group coordinator says.
	 *
	 * @param memberId its member id
	 * @param clientId its client id
	 * @param host its address as the coordinator sees it
	 * @param thisInstance whether it is this instance
	 */
	public record Leader(String memberId, String clientId, String host, boolean thisInstance) {
	}

	private final class Loop implements SupervisedThread.Loop {

		@Override
		public void iterate() throws Exception {
			Beat.this.iterate();
		}

		@Override
		public void recover(Throwable failure) {
			if (!(failure instanceof RecordFailedException)) {
				// The state is read again before the next fire.
				Beat.this.stateTerm = -1;
			}
		}

		@Override
		public void wakeUp() {
			Beat.this.election.wakeUp();
		}

		@Override
		public void close() {
			Beat.this.election.close(Beat.this.leaveGroupOnClose);
			Beat.this.state.close();
		}

	}

	/**
	 * A slot was dispatched but not recorded.
	 */
	private static final class RecordFailedException extends Exception {

		RecordFailedException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
