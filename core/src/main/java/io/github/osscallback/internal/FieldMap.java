package io.github.osscallback.internal;

import java.security.SecureRandom;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
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
 *
 * <p>The index is linear probing over {@code String.hashCode}, which the sender of a body can make
 * collide at will (all 2<sup>k</sup> names made of k {@code "Aa"} or {@code "BB"} pairs share one),
 * so that filling the index takes quadratic time. The builder therefore counts the probe steps it
 * takes, and once they exceed a bound no ordinary set of names reaches, it lays the whole index
 * out again under SipHash with a per-JVM random key and keeps to that. Ordinary bodies do not pay
 * for it; colliding ones pay a keyed hash per name instead of a probe per earlier name. A hash
 * becomes a slot through a seeded mix (per-JVM random seed), so that names whose hashes differ
 * cannot be chosen to fill one long run of slots either, which an absent name's lookup would walk,
 * and so that names numbered in sequence, whose hashes are too, spread like random ones.
 */
public final class FieldMap extends AbstractMap<String, String> {

    private static final long KEY0;
    private static final long KEY1;
    private static final int SEED;

    static {
        SecureRandom random = new SecureRandom();
        KEY0 = random.nextLong();
        KEY1 = random.nextLong();
        SEED = random.nextInt();
    }

    /** After the keys: built with them. */
    public static final FieldMap EMPTY = new Builder(0).build();

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
    /** 32 minus the bits of a slot index. */
    private final int shift;
    /** Whether the index is laid out by {@link SipHash} rather than {@code String.hashCode}. */
    private final boolean keyed;
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
        this.shift = builder.shift;
        this.keyed = builder.keyed;
    }

    /** A builder with room for about {@code expected} fields; it grows past that. */
    public static Builder builder(int expected) {
        return new Builder(expected);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object name) {
        return name instanceof String && position((String) name) >= 0;
    }

    @Override
    public String get(Object name) {
        if (!(name instanceof String)) {
            return null;
        }
        int at = position((String) name);
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

    /** Whether the index was laid out again under the keyed hash. */
    public boolean keyed() {
        return keyed;
    }

    private int position(String name) {
        int mask = slots.length - 1;
        for (int slot = home(hash(name, keyed), shift); ; slot = (slot + 1) & mask) {
            int at = slots[slot] - 1;
            if (at < 0 || names[at].equals(name)) {
                return at;
            }
        }
    }

    private static int hash(String name, boolean keyed) {
        return keyed ? SipHash.hash13(KEY0, KEY1, name) : name.hashCode();
    }

    /**
     * The hash's first slot: the seeded hash through MurmurHash3's finalizer, whose top bits
     * depend on every bit of its input (so its last step, which mixes them into the low bits, is
     * left out).
     */
    private static int home(int hash, int shift) {
        int h = hash ^ SEED;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h >>> shift;
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
    public static final class Builder {
        /**
         * Probe steps past a home slot that switch the index to the keyed hash: more than this in
         * one search, or more than {@link #MAX_STEPS_PER_NAME} per name plus this in all. Ordinary
         * names stay below both at the index's load (at most one half): simulated over 20,000 seeds,
         * sets of 4 to 16,000 names, numbered in sequence or random, took at most 63 steps in one
         * search and 64 plus 1.9 per name in all. A set that crosses one only costs the keyed hash.
         */
        private static final int MAX_STEPS = 96;
        private static final int MAX_STEPS_PER_NAME = 3;

        private String[] names;
        private String[] values;
        private byte[] source;
        private int[] from;
        private int[] to;
        private boolean[] escaped;
        private int size;
        private int[] slots;
        private int shift;
        private boolean keyed;
        /** Once keyed: each name's keyed hash, so that growing does not compute them again. */
        private int[] keyedHashes;
        /** The name last searched for and its keyed hash: adding follows a search for the name. */
        private String lastName;
        private int lastHash;
        /** Every probe step past a home slot this builder took, over every search and layout. */
        private long steps;

        private Builder(int expected) {
            int capacity = Math.max(expected, 1);
            names = new String[capacity];
            values = new String[capacity];
            slots = new int[slotsFor(capacity)];
            shift = Integer.numberOfLeadingZeros(slots.length) + 1;
        }

        /** Adds a field; false, and nothing added, if the name is already there. */
        public boolean add(String name, String value) {
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
        public boolean addSlice(String name, byte[] body, int start, int end) {
            return addSlice(name, body, start, end, false);
        }

        /**
         * As {@link #addSlice(String, byte[], int, int)}, for a form-encoded slice whose every
         * {@code %} starts an escape of an ASCII byte, so that it decodes to ASCII text.
         */
        public boolean addEscapedSlice(String name, byte[] body, int start, int end) {
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
            int slot = find(name);
            if (slots[slot] != 0) {
                return false;
            }
            if (size == names.length) {
                grow();
                slot = find(name);
            }
            names[size] = name;
            if (keyed) {
                keyedHashes[size] = keyedHash(name);
            }
            size++;
            slots[slot] = size;
            return true;
        }

        public boolean contains(String name) {
            return slots[find(name)] != 0;
        }

        public FieldMap build() {
            return new FieldMap(this);
        }

        /** Whether the index is laid out by the keyed hash; for tests. */
        public boolean keyed() {
            return keyed;
        }

        /** The probe steps taken so far; for tests. */
        public long steps() {
            return steps;
        }

        /** The slot holding {@code name}, or the free slot where it would go. */
        private int find(String name) {
            int mask = slots.length - 1;
            int slot = home(keyed ? keyedHash(name) : name.hashCode(), shift);
            int taken = 0;
            for (int at = slots[slot] - 1; at >= 0 && !names[at].equals(name); at = slots[slot] - 1) {
                slot = (slot + 1) & mask;
                taken++;
            }
            return taken == 0 || !tooMany(taken) ? slot : find(name);
        }

        /** The free slot for the name at {@code at}, which is not in the index. */
        private int place(int at) {
            int mask = slots.length - 1;
            int slot = home(keyed ? keyedHashes[at] : names[at].hashCode(), shift);
            int taken = 0;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
                taken++;
            }
            slots[slot] = at + 1;
            return taken;
        }

        /** Counts steps; true if they switched the index to the keyed hash, so a search must start over. */
        private boolean tooMany(int taken) {
            steps += taken;
            if (keyed || (taken <= MAX_STEPS && steps <= (long) MAX_STEPS_PER_NAME * size + MAX_STEPS)) {
                return false;
            }
            keyed = true;
            keyedHashes = new int[names.length];
            for (int at = 0; at < size; at++) {
                keyedHashes[at] = SipHash.hash13(KEY0, KEY1, names[at]);
            }
            layOut();
            return true;
        }

        private int keyedHash(String name) {
            if (name != lastName) {
                lastHash = SipHash.hash13(KEY0, KEY1, name);
                lastName = name;
            }
            return lastHash;
        }

        private void layOut() {
            Arrays.fill(slots, 0);
            for (int at = 0; at < size; at++) {
                int taken = place(at);
                if (taken > 0 && tooMany(taken)) {
                    // Switched to the keyed hash, which laid the index out anew.
                    return;
                }
            }
        }

        private void grow() {
            int capacity = names.length * 2;
            names = Arrays.copyOf(names, capacity);
            values = Arrays.copyOf(values, capacity);
            if (source != null) {
                from = Arrays.copyOf(from, capacity);
                to = Arrays.copyOf(to, capacity);
            }
            if (escaped != null) {
                escaped = Arrays.copyOf(escaped, capacity);
            }
            if (keyedHashes != null) {
                keyedHashes = Arrays.copyOf(keyedHashes, capacity);
            }
            slots = new int[slotsFor(capacity)];
            shift = Integer.numberOfLeadingZeros(slots.length) + 1;
            layOut();
        }

        /** A power of two at least twice the capacity, so probes stay short and a free slot always exists. */
        private static int slotsFor(int capacity) {
            return Integer.highestOneBit(capacity * 2 - 1) << 1;
        }
    }
}
