package dev.coilsight.trainer.train;

/** Training stopped on request between two steps; what a resumed run continues from. */
public final class TrainingStopped extends RuntimeException {

    public TrainingStopped(int epoch, int lastFinishedEpoch) {
        super("training stopped during epoch " + epoch + (lastFinishedEpoch == 0
                ? ": no epoch had finished, so there is no checkpoint to resume from"
                : ": the checkpoint of epoch " + lastFinishedEpoch + " stays, and the same command with --resume continues after it"));
    }
}
