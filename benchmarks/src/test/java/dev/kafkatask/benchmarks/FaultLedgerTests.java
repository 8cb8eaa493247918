package dev.kafkatask.benchmarks;

import java.util.Map;
import java.util.concurrent.CompletionException;

import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.KafkaProducerException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FaultLedger}.
 *
 * @author kafka-task
 */
class FaultLedgerTests {

	private static final long T0 = 1_000_000L;

	private final FaultLedger ledger = new FaultLedger("broker-kill#1", 100, 2);

	@Test
	void whenEveryAcknowledgedTaskRunsOnceThenNoneIsLostOrDuplicated() {
		for (int id = 0; id < 10; id++) {
			dispatchAndAcknowledge(id, T0 + id, id % 2, id / 2);
			this.ledger.journal("w1", "broker-kill#1 " + id + " " + (T0 + 10 + id));
		}
		Result result = figures(window(T0, T0 + 5, T0 + 6, T0 + 10, T0 + 30));
		assertThat(result.get("dispatched")).isEqualTo(10);
		assertThat(result.get("acknowledged")).isEqualTo(10);
		assertThat(result.get("ran")).isEqualTo(10);
		assertThat(result.get("acknowledgedNeverRun")).isEqualTo(0);
		assertThat(result.get("ranTwice")).isEqualTo(0);
		assertThat(result.get("dispatchErrors")).isEqualTo(0);
	}

	@Test
	void whenAnAcknowledgedTaskNeverRunsOrRunsTwiceThenItIsCounted() {
		dispatchAndAcknowledge(0, T0, 0, 0);
		dispatchAndAcknowledge(1, T0, 0, 1);
		this.ledger.journal("w1", "broker-kill#1 0 " + (T0 + 5));
		this.ledger.journal("w2", "broker-kill#1 0 " + (T0 + 900));
		Result result = figures(window(T0, T0 + 1, T0 + 2, T0 + 10, T0 + 1000));
		assertThat(result.get("acknowledgedNeverRun")).isEqualTo(1);
		assertThat(result.get("ranTwice")).isEqualTo(1);
		assertThat(result.get("extraRuns")).isEqualTo(1);
	}

	@Test
	void whenLinesOfAnotherFaultOrGarbageArriveThenTheyAreIgnored() {
		dispatchAndAcknowledge(0, T0, 0, 0);
		this.ledger.journal("w1", "worker-kill#3 0 " + (T0 + 5));
		this.ledger.journal("w1", "broker-kill#1 0");
		this.ledger.journal("w1", "broker-kill#1 500 " + (T0 + 5));
		assertThat(figures(window(T0, T0 + 1, T0 + 2, T0 + 10, T0 + 20)).get("ran")).isEqualTo(0);
	}

	@Test
	void whenADispatchFailsThenCallersErrorIsKeptAndARunAnywayIsCounted() {
		this.ledger.dispatched(0, T0);
		this.ledger.failed(0, T0 + 10_000, new CompletionException(new KafkaProducerException(null, "Failed to send",
				new TimeoutException("Expiring 1 record(s) for t-0: 10000 ms has passed since batch creation"))));
		this.ledger.dispatched(1, T0);
		this.ledger.journal("w1", "broker-kill#1 0 " + (T0 + 30_000));
		Result result = figures(window(T0, T0 + 1000, T0 + 20_000, T0 + 40_000, T0 + 60_000));
		assertThat(result.get("dispatchErrors")).isEqualTo(1);
		assertThat(result.get("dispatchUnresolved")).isEqualTo(1);
		assertThat(result.get("failedButRan")).isEqualTo(1);
		assertThat(result.get("acknowledgedNeverRun")).isEqualTo(0);
		assertThat(result.get("dispatchErrorTypes")).isEqualTo(Map.of("KafkaProducerException < TimeoutException",
				Map.of("count", 1, "fromS", 9.0, "toS", 9.0, "sample",
						"org.springframework.kafka.core.KafkaProducerException: Failed to send < caused by "
								+ "org.apache.kafka.common.errors.TimeoutException: Expiring 1 record(s) for t-0: "
								+ "10000 ms has passed since batch creation")));
		assertThat((String) result.get("dispatchErrorSample")).startsWith(
				"org.springframework.kafka.core.KafkaProducerException: Failed to send < caused by org.apache.kafka.common.errors.TimeoutException: Expiring 1 record(s)");
		assertThat(result.get("dispatchErrorsFromS")).isEqualTo(9.0);
	}

	@Test
	void whenFinishedTasksLieAtOrAboveTheCommittedOffsetThenTheyCountAsUncommitted() {
		for (int id = 0; id < 6; id++) {
			dispatchAndAcknowledge(id, T0, 0, id);
			this.ledger.journal("w1", "broker-kill#1 " + id + " " + (T0 + 100 * id));
		}
		// offsets 0..3 committed at +350: tasks 4 and 5 (finished at +400, +500) are not
		this.ledger.committed(T0 + 350, Map.of(0, 4L));
		this.ledger.committed(T0 + 600, Map.of(0, 6L));
		assertThat(this.ledger.uncommittedFinishedMax(T0 + 350, T0 + 1000)).isEqualTo(2);
		// from T0 on, before the first sample: 0..3 finished by +350 and none known committed
		assertThat(this.ledger.uncommittedFinishedMax(T0, T0 + 1000)).isEqualTo(4);
		// killed at +550: of what w1 finished, offsets 4 and 5 were above the commit seen next
		assertThat(this.ledger.finishedAboveCommitted("w1", T0 + 300)).isEqualTo(0);
		assertThat(this.ledger.finishedAboveCommitted("w1", T0 + 550)).isEqualTo(0);
	}

	@Test
	void whenCommitsAreSampledThenTheTailAtEachSampleIsWhatHadFinishedAboveTheCommitThen() {
		for (int id = 0; id < 6; id++) {
			dispatchAndAcknowledge(id, T0, 0, id);
			this.ledger.journal("w1", "broker-kill#1 " + id + " " + (T0 + 100 * id));
		}
		// at +350: 0..3 finished, 0..1 committed; at +550: 0..5 finished, 0..3 committed
		this.ledger.committed(T0 + 350, Map.of(0, 2L));
		this.ledger.committed(T0 + 550, Map.of(0, 4L));
		this.ledger.committed(T0 + 900, Map.of(0, 6L));
		assertThat(this.ledger.uncommittedFinishedAtSamples(T0, T0 + 1000)).containsExactly(2, 2, 0);
		assertThat(this.ledger.uncommittedFinishedAtSamples(T0, T0 + 600)).containsExactly(2, 2);
	}

	@Test
	void whenAWorkerIsKilledThenWhatItFinishedAboveTheNextCommitIsCounted() {
		for (int id = 0; id < 6; id++) {
			dispatchAndAcknowledge(id, T0, 1, id);
			this.ledger.journal((id < 5) ? "victim" : "other", "broker-kill#1 " + id + " " + (T0 + 100 * id));
		}
		this.ledger.committed(T0 + 700, Map.of(1, 2L));
		// killed at +450: it had finished offsets 0..4, 2..4 above the commit
		assertThat(this.ledger.finishedAboveCommitted("victim", T0 + 450)).isEqualTo(3);
		assertThat(this.ledger.finishedAboveCommitted("victim", T0 + 800)).isEqualTo(-1);
	}

	@Test
	void whenNothingIsKnownOfTheCommitsThenEveryFinishedTaskCountsAsUncommitted() {
		dispatchAndAcknowledge(0, T0, 0, 0);
		this.ledger.journal("w1", "broker-kill#1 0 " + (T0 + 5));
		assertThat(this.ledger.uncommittedFinishedMax(T0, T0 + 1000)).isEqualTo(1);
	}

	@Test
	void whenCompletionsStopThenRecoveryIsTheFirstOfThreeSecondsBackAfterTheLastDeepDip() {
		// 100 tasks/s for 5 s before the fault at T0 + 5000, none for 3 s, 100/s again after
		int id = 0;
		FaultLedger ledger = new FaultLedger("f#1", 2000, 1);
		for (int second = 0; second < 15; second++) {
			if (second >= 5 && second < 8) {
				continue;
			}
			for (int i = 0; i < 100; i++, id++) {
				ledger.dispatched(id, T0 + second * 1000L + i * 10L);
				ledger.acknowledged(id, T0 + second * 1000L + i * 10L, 0, id);
				ledger.journal("w1", "f#1 " + id + " " + (T0 + second * 1000L + i * 10L));
			}
		}
		FaultLedger.Window window = window(T0, T0 + 5000, T0 + 6000, T0 + 15_000, T0 + 16_000);
		assertThat(ledger.preFaultRate(window, 200)).isEqualTo(100.0);
		assertThat(ledger.preFaultRate(window, 80)).isEqualTo(80.0);
		assertThat(ledger.recovery(window, 100)).isEqualTo(new FaultLedger.Recovery(3, 3));
		assertThat(ledger.longestGap(T0, T0 + 15_000)).isEqualTo(new FaultLedger.Gap(T0 + 4990, 3010));
	}

	@Test
	void whenNoSecondFallsBelowTheRateThenRecoveryIsZero() {
		FaultLedger ledger = new FaultLedger("f#1", 2000, 1);
		for (int id = 0; id < 1000; id++) {
			ledger.dispatched(id, T0 + id * 10L);
			ledger.journal("w1", "f#1 " + id + " " + (T0 + id * 10L));
		}
		FaultLedger.Window window = window(T0, T0 + 5000, T0 + 6000, T0 + 10_000, T0 + 10_000);
		assertThat(ledger.recovery(window, 100)).isEqualTo(new FaultLedger.Recovery(0, 0));
	}

	private void dispatchAndAcknowledge(int id, long at, int partition, long offset) {
		this.ledger.dispatched(id, at);
		this.ledger.acknowledged(id, at + 1, partition, offset);
	}

	private Result figures(FaultLedger.Window window) {
		return this.ledger.figures(window, 10, 200);
	}

	private static FaultLedger.Window window(long streamStart, long faultAt, long restoredAt, long streamStop,
			long end) {
		return new FaultLedger.Window(streamStart, faultAt, restoredAt, streamStop, end);
	}

}
