package io.github.osscallback;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A callback's fields: immutable, in body order, filled once by a {@link Builder} that refuses a
 * repeated name. Arrays and an index of positions instead of one entry object per field, because
 * building the map was the larger part of parsing a small body. A value that is an ASCII slice of
 * the body, plain or form-escaped to ASCII (checked while parsing, so nothing is left to validate
 * or to report), becomes a string when first read: most applications read a few of a callback's
 * fields, not all of them.
 */
final class FieldMap extends AbstractMap<String, String> {

    static final FieldMap EMPTY = new Builder(0).build();

    private final String[] names;
    /** Null where the value is still the slice {@code source[from[i], to[i])}. */
    private final String[] values;
    private final byte[] source;
    private final int[] from;
    private final int[] to;
    /** Where a slice is form-encoded ASCII still to decode; null when no slice is. */
    private final boolean[] escaped;
    private final int size;
    /** Open addressing over the name hashes: position + 1, or 0 for a free slot. */
    private final int[] slots;
    private Set<Map.Entry<String, String>> entries;

    private FieldMap(Builder builder) {
        this.names = builder.names;
        this.values = builder.values;
        this.source = builder.source;
        this.from = builder.from;
        this.to = builder.to;
        this.escaped = builder.escaped;
        this.size = builder.size;
        this.slots = builder.slots;
    }

    /** A builder with room for about {@code expected} fields; it grows past that. */
    static Builder builder(int expected) {
        return new Builder(expected);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object name) {
        return name instanceof String && position(names, slots, (String) name) >= 0;
    }

    @Override
    public String get(Object name) {
        if (!(name instanceof String)) {
            return null;
        }
        int at = position(names, slots, (String) name);
        return at < 0 ? null : value(at);
    }

    /**
     * A racy but safe lazy read, as {@code String.hashCode} is: strings are immutable, so a thread
     * sees either null and builds an equal string itself, or a complete one.
     */
    private String value(int at) {
        String value = values[at];
        if (value == null) {
            if (escaped != null && escaped[at]) {
                byte[] decoded = new byte[to[at] - from[at]];
                int n = PercentDecoder.decode(source, from[at], to[at], true, decoded);
                value = BodyParser.ascii(decoded, 0, n);
            } else {
                value = BodyParser.ascii(source, from[at], to[at]);
            }
            values[at] = value;
        }
        return value;
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        Set<Map.Entry<String, String>> set = entries;
        if (set == null) {
            set = new Entries();
            entries = set;
        }
        return set;
    }

    private static int position(String[] names, int[] slots, String name) {
        int mask = slots.length - 1;
        for (int slot = spread(name.hashCode()) & mask; ; slot = (slot + 1) & mask) {
            int at = slots[slot] - 1;
            if (at < 0 || names[at].equals(name)) {
                return at;
            }
        }
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    private final class Entries extends AbstractSet<Map.Entry<String, String>> {
        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Map.Entry)) {
                return false;
            }
            Map.Entry<?, ?> entry = (Map.Entry<?, ?>) o;
            String value = get(entry.getKey());
            return value != null && value.equals(entry.getValue());
        }

        @Override
        public Iterator<Map.Entry<String, String>> iterator() {
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < size;
                }

                @Override
                public Map.Entry<String, String> next() {
                    if (next >= size) {
                        throw new NoSuchElementException();
                    }
                    int at = next++;
                    return new AbstractMap.SimpleImmutableEntry<>(names[at], value(at));
                }
            };
        }
    }

    /** Collects fields once; not thread-safe, and done with after {@link #build()}. */
    static final class Builder {
        private String[] names;
        private String[] values;
        private byte[] source;
        private int[] from;
        private int[] to;
        private boolean[] escaped;
        private int size;
        private int[] slots;

        private Builder(int expected) {
            int capacity = Math.max(expected, 1);
            names = new String[capacity];
            values = new String[capacity];
            slots = new int[slotsFor(capacity)];
        }

        /** Adds a field; false, and nothing added, if the name is already there. */
        boolean add(String name, String value) {
            if (!addName(name)) {
                return false;
            }
            values[size - 1] = value;
            return true;
        }

        /**
         * Adds a field whose value is {@code body[start, end)}, which must be ASCII and is never
         * changed afterwards (a callback's body is not); false if the name is already there.
         */
        boolean addSlice(String name, byte[] body, int start, int end) {
            return addSlice(name, body, start, end, false);
        }

        /**
         * As {@link #addSlice(String, byte[], int, int)}, for a form-encoded slice whose every
         * {@code %} starts an escape of an ASCII byte, so that it decodes to ASCII text.
         */
        boolean addEscapedSlice(String name, byte[] body, int start, int end) {
            return addSlice(name, body, start, end, true);
        }

        private boolean addSlice(String name, byte[] body, int start, int end, boolean formEscaped) {
            if (source != null && source != body) {
                throw new IllegalArgumentException("every slice must come from one body");
            }
            if (!addName(name)) {
                return false;
            }
            if (source == null) {
                source = body;
                from = new int[names.length];
                to = new int[names.length];
            }
            from[size - 1] = start;
            to[size - 1] = end;
            if (formEscaped) {
                if (escaped == null) {
                    escaped = new boolean[names.length];
                }
                escaped[size - 1] = true;
            }
            return true;
        }

        private boolean addName(String name) {
            if (position(names, slots, name) >= 0) {
                return false;
            }
            if (size == names.length) {
                grow();
            }
            names[size] = name;
            size++;
            place(size - 1);
            return true;
        }

        boolean contains(String name) {
            return position(names, slots, name) >= 0;
        }

        FieldMap build() {
            return new FieldMap(this);
        }

        private void place(int at) {
            int mask = slots.length - 1;
            int slot = spread(names[at].hashCode()) & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = at + 1;
        }

        private void grow() {
            int capacity = names.length * 2;
            names = java.util.Arrays.copyOf(names, capacity);
            values = java.util.Arrays.copyOf(values, capacity);
            if (source != null) {
                from = java.util.Arrays.copyOf(from, capacity);
                to = java.util.Arrays.copyOf(to, capacity);
            }
            if (escaped != null) {
                escaped = java.util.Arrays.copyOf(escaped, capacity);
            }
            slots = new int[slotsFor(capacity)];
            for (int at = 0; at < size; at++) {
                place(at);
            }
        }

        /** A power of two at least twice the capacity, so probes stay short and a free slot always exists. */
        private static int slotsFor(int capacity) {
            return Integer.highestOneBit(capacity * 2 - 1) << 1;
        }
    }
}
