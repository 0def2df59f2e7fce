package dev.coilsight.workerruntime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InFlightJournalTest {

    private static final String PREFIX = "cls-host";

    @TempDir
    Path dir;

    private static BatchProcessor.Polled polled(int partition, long offset) {
        return new BatchProcessor.Polled(new ConsumerRecord<>("steel.images", partition, offset, new byte[0], new byte[0]), 0);
    }

    private InFlightJournal start(int thread) {
        return new InFlightJournal(dir, PREFIX + "-" + thread, InFlightJournal.Deaths.load(dir, PREFIX));
    }

    @Test
    void aCleanStartRunsTheBatchAsOnePart() {
        List<BatchProcessor.Polled> batch = List.of(polled(0, 1), polled(1, 1), polled(0, 2));
        assertThat(start(0).parts(batch)).containsExactly(batch);
    }

    @Test
    void theRecordsInFlightAtADeathRunAloneAfterTheRestartAndTheOthersTogether() {
        InFlightJournal first = start(0);
        first.beforeInference(List.of(polled(0, 5), polled(1, 7)));
        // the process dies here

        InFlightJournal second = start(0);
        List<BatchProcessor.Polled> batch = List.of(polled(0, 4), polled(0, 5), polled(2, 1), polled(2, 2), polled(1, 7));
        assertThat(second.parts(batch)).containsExactly(List.of(batch.get(0)), List.of(batch.get(1)), List.of(batch.get(2), batch.get(3)),
                List.of(batch.get(4)));
        assertThat(second.deaths(batch.get(1).record())).isEqualTo(1);
        assertThat(second.deaths(batch.get(0).record())).isZero();
    }

    @Test
    void aRecordInFlightAtTwoDeathsHasTwoAndOnlyIt() {
        start(0).beforeInference(List.of(polled(0, 5), polled(0, 6)));
        InFlightJournal second = start(0);
        second.beforeInference(List.of(polled(0, 5)));
        second.ended(List.of(polled(0, 5)), true); // the neighbour goes through alone
        second.beforeInference(List.of(polled(0, 6)));
        // dies again on offset 6

        InFlightJournal third = start(0);
        assertThat(third.deaths(polled(0, 6).record())).isEqualTo(InFlightJournal.DEATHS_TO_GIVE_UP);
        assertThat(third.deaths(polled(0, 5).record())).isZero();
    }

    @Test
    void aProcessThatDiesBeforeItsFirstBatchCountsNoSecondDeath() {
        start(0).beforeInference(List.of(polled(0, 5)));
        start(0); // restart, dies before running anything
        assertThat(start(0).deaths(polled(0, 5).record())).isEqualTo(1);
    }

    @Test
    void aCommittedOrAbortedBatchIsNotInFlight() {
        InFlightJournal journal = start(0);
        journal.beforeInference(List.of(polled(0, 1)));
        journal.ended(List.of(polled(0, 1)), true);
        journal.beforeInference(List.of(polled(0, 2)));
        journal.ended(List.of(polled(0, 2)), false);
        assertThat(start(0).deaths(polled(0, 1).record())).isZero();
        assertThat(start(0).deaths(polled(0, 2).record())).isZero();
    }

    @Test
    void deathsAreSharedByTheThreadsOfAWorkerSinceAPartitionMayMoveBetweenThem() {
        start(1).beforeInference(List.of(polled(3, 9)));
        assertThat(start(0).deaths(polled(3, 9).record())).isEqualTo(1);
    }

    @Test
    void aRecordWithADeathRunsWhileNoOtherThreadHasABatchInFlight() throws Exception {
        start(0).beforeInference(List.of(polled(0, 5)));
        InFlightJournal.Deaths deaths = InFlightJournal.Deaths.load(dir, PREFIX);
        InFlightJournal suspectThread = new InFlightJournal(dir, PREFIX + "-0", deaths);
        InFlightJournal otherThread = new InFlightJournal(dir, PREFIX + "-1", deaths);
        java.util.concurrent.locks.Lock ordinary = otherThread.lockFor(List.of(polled(1, 1)));
        ordinary.lock();
        try {
            java.util.concurrent.locks.Lock alone = suspectThread.lockFor(List.of(polled(0, 5)));
            assertThat(java.util.concurrent.CompletableFuture.supplyAsync(alone::tryLock).get()).isFalse();
            assertThat(java.util.concurrent.CompletableFuture.supplyAsync(otherThread.lockFor(List.of(polled(1, 2)))::tryLock).get()).isTrue();
        } finally {
            ordinary.unlock();
        }
    }

    @Test
    void aRecordInTwoThreadsJournalsAtOneDeathCountsOneDeath() {
        InFlightJournal.Deaths deaths = InFlightJournal.Deaths.load(dir, PREFIX);
        new InFlightJournal(dir, PREFIX + "-0", deaths).beforeInference(List.of(polled(0, 5)));
        new InFlightJournal(dir, PREFIX + "-1", deaths).beforeInference(List.of(polled(0, 5)));
        assertThat(start(0).deaths(polled(0, 5).record())).isEqualTo(1);
    }

    @Test
    void aThreadThatEndsOnAnExceptionOfItsOwnLeavesNoDeathBehind() {
        InFlightJournal journal = start(0);
        journal.beforeInference(List.of(polled(0, 5)));
        journal.abandoned(); // e.g. the commit kept timing out: the process restarts, the record is not at fault
        assertThat(start(0).deaths(polled(0, 5).record())).isZero();
    }

    @Test
    void aWorkerWhosePrefixExtendsThisOnesIsAnotherWorker() {
        new InFlightJournal(dir, PREFIX + "-x-0", InFlightJournal.Deaths.load(dir, PREFIX + "-x")).beforeInference(List.of(polled(0, 1)));
        assertThat(start(0).deaths(polled(0, 1).record())).isZero();
    }

    @Test
    void anotherWorkersJournalsDoNotCount() {
        new InFlightJournal(dir, "seg-host-0", InFlightJournal.Deaths.load(dir, "seg-host")).beforeInference(List.of(polled(0, 1)));
        assertThat(start(0).deaths(polled(0, 1).record())).isZero();
    }
}
