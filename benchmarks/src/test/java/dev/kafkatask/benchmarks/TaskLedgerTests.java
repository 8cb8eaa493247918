package dev.kafkatask.benchmarks;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TaskLedger}.
 *
 * @author kafka-task
 */
class TaskLedgerTests {

	private final TaskLedger ledger = new TaskLedger();

	@Test
	void whenEveryTaskRunsOnceThenNoneIsLostOrDuplicated() throws InterruptedException {
		TaskLedger.Phase phase = this.ledger.begin(3, 3);
		for (int id = 0; id < 3; id++) {
			phase.dispatched(id);
			this.ledger.completed(phase.id(), id);
		}
		assertThat(phase.await(Duration.ZERO)).isTrue();
		assertThat(phase.completed()).isEqualTo(3);
		assertThat(phase.lost(0, 3)).isZero();
		assertThat(phase.duplicates(0, 3)).isZero();
		assertThat(phase.latencies(0, 3)).hasSize(3).doesNotContain(-1L);
		assertThat(phase.lastCompletion()).isGreaterThanOrEqualTo(phase.firstCompletion());
	}

	@Test
	void whenATaskRunsTwiceOrNeverThenItIsCounted() throws InterruptedException {
		TaskLedger.Phase phase = this.ledger.begin(3, 3);
		this.ledger.completed(phase.id(), 0);
		this.ledger.completed(phase.id(), 0);
		this.ledger.completed(phase.id(), 1);
		assertThat(phase.await(Duration.ZERO)).isFalse();
		assertThat(phase.completed()).isEqualTo(2);
		assertThat(phase.lost(0, 3)).isEqualTo(1);
		assertThat(phase.duplicates(0, 3)).isEqualTo(1);
	}

	@Test
	void whenATaskOfAnEarlierPhaseRunsThenItIsAStray() {
		TaskLedger.Phase warmUp = this.ledger.begin(2, 2);
		TaskLedger.Phase measured = this.ledger.begin(2, 2);
		this.ledger.completed(warmUp.id(), 0);
		this.ledger.started(warmUp.id(), 1);
		assertThat(this.ledger.strays()).isEqualTo(1);
		assertThat(measured.completed()).isZero();
		assertThat(measured.started()).isZero();
	}

	@Test
	void whenOnlyAwaitedTasksFinishThenAwaitReturns() throws InterruptedException {
		TaskLedger.Phase phase = this.ledger.begin(3, 2);
		this.ledger.completed(phase.id(), 0);
		this.ledger.completed(phase.id(), 1);
		assertThat(phase.await(Duration.ZERO)).isTrue();
		assertThat(phase.awaitedCompleted()).isEqualTo(2);
		assertThat(phase.lost(0, 3)).isEqualTo(1);
	}

}
