package io.github.osscallback.examples;

import java.util.ArrayList;
import java.util.List;

/** Splits a command line as a POSIX shell does for the quoting {@code sign} prints: single quotes and backslashes. */
final class ShellWords {

    private ShellWords() {
    }

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed quote at " + i);
                }
                word = word == null ? new StringBuilder() : word;
                word.append(line, i + 1, end);
                i = end;
            } else if (c == '\\' && i + 1 < line.length()) {
                char next = line.charAt(++i);
                if (next != '\n') {
                    word = word == null ? new StringBuilder() : word;
                    word.append(next);
                }
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
