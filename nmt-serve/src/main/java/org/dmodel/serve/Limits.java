package org.dmodel.serve;

import java.time.Duration;

/**
 * What one request may ask for. Immutable.
 *
 * @param maxBodyBytes request bodies above this are refused with 413 ({@code --max-body-bytes})
 * @param maxTexts most texts in one request, 413 above ({@code --max-texts})
 * @param maxChars most characters (code points) in one text, 413 above ({@code --max-chars})
 * @param maxBeam largest {@code beam} and {@code nbest} a request may ask for ({@code --max-beam})
 * @param timeout a request not answered within this gets 503 ({@code --timeout})
 */
record Limits(int maxBodyBytes, int maxTexts, int maxChars, int maxBeam, Duration timeout) {
    Limits {
        if (maxBodyBytes < 1 || maxTexts < 1 || maxChars < 1 || maxBeam < 1 || timeout.isNegative()
                || timeout.isZero()) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
