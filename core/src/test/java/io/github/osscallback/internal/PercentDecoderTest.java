package io.github.osscallback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.osscallback.internal.PercentDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one percent-decoding rule that paths, query names and form bodies share. */
class PercentDecoderTest {

    @ParameterizedTest(name = "{0} (plus as space: {1}) -> {2}, first stray % at {3}")
    @CsvSource(delimiter = '|', value = {
            "/a%20b|false|/a b|-1",
            "/a+b|false|/a+b|-1",
            "a+b|true|a b|-1",
            "%e4%b8%ad|false|中|-1",
            "100%|false|100%|3",
            "%4|true|%4|0",
            "%zz%41|false|%zzA|0",
            "%41%|false|A%|3",
            "%2541|false|%41|-1",
            "%\uff12\uff25|false|%\uff12\uff25|0",
            "%+0|false|%+0|0",
    })
    void decodesEscapesAndKeepsStrayPercentSigns(String raw, boolean plusAsSpace, String decoded, int strayAt) {
        assertEquals(decoded, new String(PercentDecoder.decode(raw, plusAsSpace), StandardCharsets.UTF_8));
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        assertEquals(strayAt, firstStrayPercent(bytes));
    }

    /** Where the form grammar would stop: the first '%' that starts no escape of two ASCII hex digits. */
    private static int firstStrayPercent(byte[] raw) {
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%') {
                if (!PercentDecoder.startsEscape(raw, i, raw.length)) {
                    return i;
                }
                i += 2;
            }
        }
        return -1;
    }
}
