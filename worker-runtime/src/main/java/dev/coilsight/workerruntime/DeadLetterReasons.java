package dev.coilsight.workerruntime;

import dev.coilsight.core.image.ImageRejectedException;
import dev.coilsight.serviceruntime.deadletter.DeadLetters;

/**
 * The dead-letter reason of an image the decoder refused. Spelled out case by case so that a reason added to the
 * decoder fails to compile here instead of failing at run time on the first such image.
 */
final class DeadLetterReasons {

    private DeadLetterReasons() {
    }

    static DeadLetters.Reason of(ImageRejectedException.Reason reason) {
        return switch (reason) {
            case NOT_AN_IMAGE -> DeadLetters.Reason.NOT_AN_IMAGE;
            case TOO_LARGE -> DeadLetters.Reason.TOO_LARGE;
            case CORRUPT -> DeadLetters.Reason.CORRUPT;
        };
    }
}
