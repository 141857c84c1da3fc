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
 * fields, not all of them. So does a name that is an ASCII slice of the body, plain or
 * form-escaped to ASCII: the parser hashes it (as decoded) while it scans it, and the index compares
 * it as decoded bytes, so a body of thousands of fields makes no string for a name nobody asks for,
 * and {@code x%3Auid} and {@code x:uid} are one name.
 *
 * <p>The index is linear probing over {@code String.hashCode} (of a slice: of its bytes as chars,
 * the same number, so that a lookup uses the string's cached hash), which the sender of a body can
 * make collide at will (all 2<sup>k</sup> names made of k {@code "Aa"} or {@code "BB"} pairs share
 * one), so that filling the index takes quadratic time. The builder therefore counts the probe steps
 * it takes, and once they exceed a bound no ordinary set of names reaches, it lays the whole index
 * out again under SipHash with a per-JVM random key (over the name's chars, which for a slice are
 * its bytes) and keeps to that. Ordinary bodies do not pay for it; colliding ones pay a keyed hash
 * per name instead of a probe per earlier name. A hash becomes a slot through a seeded mix (per-JVM
 * random seed), so that names whose hashes differ cannot be chosen to fill one long run of slots
 * either, which an absent name's lookup would walk, and so that names numbered in sequence, whose
 * hashes are too, spread like random ones.
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

    /** The name is {@code names[i]}, given as a string, rather than a slice. */
    private static final byte NAME_STRING = 1;
    /** The name slice is form-encoded ASCII: compared, hashed and made a string as decoded. */
    private static final byte NAME_ESCAPED = 2;
    /** The value is {@code values[i]}, given as a string (possibly null), rather than a slice. */
    private static final byte VALUE_STRING = 4;
    /** The value slice is form-encoded ASCII still to decode. */
    private static final byte VALUE_ESCAPED = 8;

    private static final int NAME_FROM = 0;
    private static final int NAME_TO = 1;
    private static final int HASH = 2;
    private static final int KIND = 3;
    private static final int FROM = 4;
    private static final int TO = 5;
    private static final int STRIDE = 6;

    /** After the keys: built with them. */
    public static final FieldMap EMPTY = new Builder(0).build();

    /**
     * Given names, and slice names once made into strings; made at the first string if none was
     * given (a large body's fields are mostly never read, and zeroing arrays for them cost more
     * than a tenth of reading it). Volatile so that an array made by one thread is seen whole.
     */
    private volatile String[] names;
    /** Given values, and slice values once made into strings; as {@link #names}. */
    private volatile String[] values;
    private final byte[] source;
    /**
     * Per field, {@link #STRIDE} ints: the name's slice, its hash as the index is laid out
     * ({@code String.hashCode}, or keyed), its kind bits and the value's slice. One array rather
     * than one per part: a field is written, and a probe compares a hash and then a name, in one
     * cache line, and a large body's index zeroes and allocates one array instead of six.
     */
    private final int[] fields;
    private final int size;
    /**
     * Open addressing over the name hashes: position + 1, or 0 for a free slot. In chars while
     * positions fit, as they do in any ordinary body, so that a 64 KiB body's table is 16 KiB,
     * which the first-level cache holds, rather than 32 KiB; in ints ({@link #wideSlots}) past that.
     */
    private final char[] slots;
    private final int[] wideSlots;
    /** 32 minus the bits of a slot index. */
    private final int shift;
    /** Whether the index is laid out by {@link SipHash} rather than {@code String.hashCode}. */
    private final boolean keyed;
    private Set<Map.Entry<String, String>> entries;

    private FieldMap(Builder builder) {
        this.names = builder.names;
        this.values = builder.values;
        this.source = builder.source;
        this.fields = builder.fields;
        this.size = builder.size;
        this.slots = builder.slots;
        this.wideSlots = builder.wideSlots;
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
        String[] values = this.values;
        if (values == null) {
            values = new String[size];
            this.values = values;
        }
        String value = values[at];
        int f = at * STRIDE;
        if (value == null && (fields[f + KIND] & VALUE_STRING) == 0) {
            if ((fields[f + KIND] & VALUE_ESCAPED) != 0) {
                byte[] decoded = new byte[fields[f + TO] - fields[f + FROM]];
                int n = PercentDecoder.decode(source, fields[f + FROM], fields[f + TO], true, decoded);
                value = BodyParser.ascii(decoded, 0, n);
            } else {
                value = BodyParser.ascii(source, fields[f + FROM], fields[f + TO]);
            }
            values[at] = value;
        }
        return value;
    }

    /** The same racy but safe lazy read for names. */
    private String name(int at) {
        String[] names = this.names;
        if (names == null) {
            names = new String[size];
            this.names = names;
        }
        String name = names[at];
        int f = at * STRIDE;
        if (name == null) {
            if ((fields[f + KIND] & NAME_ESCAPED) != 0) {
                byte[] decoded = new byte[fields[f + NAME_TO] - fields[f + NAME_FROM]];
                int n = PercentDecoder.decode(source, fields[f + NAME_FROM], fields[f + NAME_TO], true, decoded);
                name = BodyParser.ascii(decoded, 0, n);
            } else {
                name = BodyParser.ascii(source, fields[f + NAME_FROM], fields[f + NAME_TO]);
            }
            names[at] = name;
        }
        return name;
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
        int mask = -1 >>> shift;
        int hash = keyed ? SipHash.hash13(KEY0, KEY1, name) : name.hashCode();
        for (int slot = home(hash, shift); ; slot = (slot + 1) & mask) {
            int at = (slots != null ? slots[slot] : wideSlots[slot]) - 1;
            if (at < 0 || (fields[at * STRIDE + HASH] == hash && nameEquals(at, name))) {
                return at;
            }
        }
    }

    private boolean nameEquals(int at, String name) {
        String[] names = this.names;
        String own = names == null ? null : names[at];
        if (own != null) {
            return own.equals(name);
        }
        int f = at * STRIDE;
        return sliceEquals(source, fields[f + NAME_FROM], fields[f + NAME_TO], (fields[f + KIND] & NAME_ESCAPED) != 0, name);
    }

    /** Whether the ASCII slice {@code bytes[from, to)}, form-decoded if {@code escaped}, reads as {@code text}. */
    private static boolean sliceEquals(byte[] bytes, int from, int to, boolean escaped, String text) {
        if (!escaped) {
            if (text.length() != to - from) {
                return false;
            }
            for (int i = from; i < to; i++) {
                if (bytes[i] != text.charAt(i - from)) {
                    return false;
                }
            }
            return true;
        }
        int k = 0;
        for (int i = from; i < to; i++, k++) {
            int c = bytes[i];
            if (c == '%' && PercentDecoder.startsEscape(bytes, i, to)) {
                c = PercentDecoder.escapedByte(bytes, i);
                i += 2;
            } else if (c == '+') {
                c = ' ';
            }
            if (k >= text.length() || text.charAt(k) != c) {
                return false;
            }
        }
        return k == text.length();
    }

    /** Whether two ASCII slices of {@code bytes}, each form-decoded if escaped, read alike. */
    private static boolean slicesEqual(byte[] bytes, int aFrom, int aTo, boolean aEscaped, int bFrom, int bTo, boolean bEscaped) {
        if (!aEscaped && !bEscaped) {
            return Arrays.equals(bytes, aFrom, aTo, bytes, bFrom, bTo);
        }
        int i = aFrom;
        int j = bFrom;
        while (i < aTo && j < bTo) {
            int a = bytes[i];
            if (aEscaped && a == '%' && PercentDecoder.startsEscape(bytes, i, aTo)) {
                a = PercentDecoder.escapedByte(bytes, i);
                i += 3;
            } else {
                a = aEscaped && a == '+' ? ' ' : a;
                i++;
            }
            int b = bytes[j];
            if (bEscaped && b == '%' && PercentDecoder.startsEscape(bytes, j, bTo)) {
                b = PercentDecoder.escapedByte(bytes, j);
                j += 3;
            } else {
                b = bEscaped && b == '+' ? ' ' : b;
                j++;
            }
            if (a != b) {
                return false;
            }
        }
        return i == aTo && j == bTo;
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
                    return new AbstractMap.SimpleImmutableEntry<>(name(at), value(at));
                }
            };
        }
    }

    /**
     * Collects fields once; not thread-safe, and done with after {@link #build()}. A field is added
     * with its name and value as strings ({@link #add}), or its name is first set
     * ({@link #name(byte[], int, int, int, boolean)}, {@link #name(String)}) and then added with its
     * value ({@link #addValue}, {@link #addValueSlice}).
     */
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
        private int[] fields;
        private int size;
        private char[] slots;
        private int[] wideSlots;
        private int shift;
        private boolean keyed;
        /** Every probe step past a home slot this builder took, over every search and layout. */
        private long steps;

        /** The name being added or searched for: a string, or a slice of the body. */
        private String nextName;
        private boolean nextEscaped;
        private int nextFrom;
        private int nextTo;
        private int nextHash;
        /** A slice name decoded, for its keyed hash; grown as needed. */
        private byte[] scratch;
        /** The next name's keyed hash, once computed; adding follows a search for the name. */
        private int nextKeyedHash;
        private boolean nextKeyedKnown;

        private Builder(int expected) {
            int capacity = Math.max(expected, 1);
            fields = new int[capacity * STRIDE];
            newSlots(capacity);
        }

        /** Adds a field; false, and nothing added, if the name is already there. */
        public boolean add(String name, String value) {
            name(name);
            return addValue(value);
        }

        /**
         * Sets the next field's name to {@code body[start, end)}, which must be ASCII, or if
         * {@code escaped} form-encoded with every {@code %} starting an escape of an ASCII byte;
         * {@code hash} is the {@code String.hashCode} of the name (decoded). The body is the one
         * every slice comes from.
         */
        public void name(byte[] body, int start, int end, int hash, boolean escaped) {
            useSource(body);
            nextName = null;
            nextEscaped = escaped;
            nextFrom = start;
            nextTo = end;
            nextHash = hash;
            nextKeyedKnown = false;
        }

        /** The name set last, as a string; for messages. */
        public String nextName() {
            if (nextName != null) {
                return nextName;
            }
            if (!nextEscaped) {
                return BodyParser.ascii(source, nextFrom, nextTo);
            }
            byte[] decoded = new byte[nextTo - nextFrom];
            return BodyParser.ascii(decoded, 0, PercentDecoder.decode(source, nextFrom, nextTo, true, decoded));
        }

        /** Sets the next field's name to {@code name}. */
        public void name(String name) {
            if (name != nextName) {
                nextKeyedKnown = false;
            }
            nextName = name;
            nextHash = name.hashCode();
        }

        /** Adds a field of the name set last; false, and nothing added, if the name is already there. */
        public boolean addValue(String value) {
            int at = addName();
            if (at < 0) {
                return false;
            }
            if (values == null) {
                values = new String[capacity()];
            }
            values[at] = value;
            fields[at * STRIDE + KIND] |= VALUE_STRING;
            return true;
        }

        /**
         * Adds a field of the name set last whose value is the body's {@code [start, end)}: ASCII,
         * or if {@code escaped} form-encoded with every {@code %} starting an escape of an ASCII
         * byte, and never changed afterwards (a callback's body is not); false if the name is
         * already there.
         */
        public boolean addValueSlice(byte[] body, int start, int end, boolean escaped) {
            useSource(body);
            int at = addName();
            if (at < 0) {
                return false;
            }
            int f = at * STRIDE;
            fields[f + FROM] = start;
            fields[f + TO] = end;
            if (escaped) {
                fields[f + KIND] |= VALUE_ESCAPED;
            }
            return true;
        }

        private void useSource(byte[] body) {
            if (source == null) {
                source = body;
            } else if (source != body) {
                throw new IllegalArgumentException("every slice must come from one body");
            }
        }

        /** The new field's position, or -1 if its name is already there. */
        private int addName() {
            int slot = find();
            if (slot(slot) != 0) {
                return -1;
            }
            if (size == capacity()) {
                grow();
                slot = find();
            }
            int at = size;
            int f = at * STRIDE;
            if (nextName != null) {
                if (names == null) {
                    names = new String[capacity()];
                }
                names[at] = nextName;
                fields[f + KIND] = NAME_STRING;
            } else {
                fields[f + NAME_FROM] = nextFrom;
                fields[f + NAME_TO] = nextTo;
                fields[f + KIND] = nextEscaped ? NAME_ESCAPED : 0;
            }
            fields[f + HASH] = keyed ? nextKeyedHash() : nextHash;
            size++;
            setSlot(slot, size);
            return at;
        }

        public boolean contains(String name) {
            name(name);
            return slot(find()) != 0;
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

        /** The slot holding the next name, or the free slot where it would go. */
        private int find() {
            int mask = -1 >>> shift;
            int hash = keyed ? nextKeyedHash() : nextHash;
            int slot = home(hash, shift);
            int taken = 0;
            for (int at = slot(slot) - 1; at >= 0 && !(fields[at * STRIDE + HASH] == hash && isNext(at)); at = slot(slot) - 1) {
                slot = (slot + 1) & mask;
                taken++;
            }
            return taken == 0 || !tooMany(taken) ? slot : find();
        }

        /** Whether the field at {@code at} has the next name. */
        private boolean isNext(int at) {
            String own = names == null ? null : names[at];
            int f = at * STRIDE;
            boolean escaped = (fields[f + KIND] & NAME_ESCAPED) != 0;
            if (nextName != null) {
                return own != null ? own.equals(nextName) : sliceEquals(source, fields[f + NAME_FROM], fields[f + NAME_TO], escaped, nextName);
            }
            return own != null ? sliceEquals(source, nextFrom, nextTo, nextEscaped, own)
                    : slicesEqual(source, fields[f + NAME_FROM], fields[f + NAME_TO], escaped, nextFrom, nextTo, nextEscaped);
        }

        /** The keyed hash of a slice name: of its bytes, decoded if escaped, as of the equal string. */
        private int keyedHash(int from, int to, boolean escaped) {
            if (!escaped) {
                return SipHash.hash13(KEY0, KEY1, source, from, to);
            }
            if (scratch == null || scratch.length < to - from) {
                scratch = new byte[Math.max(64, to - from)];
            }
            return SipHash.hash13(KEY0, KEY1, scratch, 0, PercentDecoder.decode(source, from, to, true, scratch));
        }

        private int nextKeyedHash() {
            if (!nextKeyedKnown) {
                nextKeyedHash = nextName != null ? SipHash.hash13(KEY0, KEY1, nextName) : keyedHash(nextFrom, nextTo, nextEscaped);
                nextKeyedKnown = true;
            }
            return nextKeyedHash;
        }

        /** The free slot for the name at {@code at}, which is not in the index. */
        private int place(int at) {
            int mask = -1 >>> shift;
            int slot = home(fields[at * STRIDE + HASH], shift);
            int taken = 0;
            while (slot(slot) != 0) {
                slot = (slot + 1) & mask;
                taken++;
            }
            setSlot(slot, at + 1);
            return taken;
        }

        /** Counts steps; true if they switched the index to the keyed hash, so a search must start over. */
        private boolean tooMany(int taken) {
            steps += taken;
            if (keyed || (taken <= MAX_STEPS && steps <= (long) MAX_STEPS_PER_NAME * size + MAX_STEPS)) {
                return false;
            }
            keyed = true;
            for (int at = 0; at < size; at++) {
                int f = at * STRIDE;
                fields[f + HASH] = (fields[f + KIND] & NAME_STRING) != 0 ? SipHash.hash13(KEY0, KEY1, names[at])
                        : keyedHash(fields[f + NAME_FROM], fields[f + NAME_TO], (fields[f + KIND] & NAME_ESCAPED) != 0);
            }
            layOut();
            return true;
        }

        private void layOut() {
            if (slots != null) {
                Arrays.fill(slots, (char) 0);
            } else {
                Arrays.fill(wideSlots, 0);
            }
            for (int at = 0; at < size; at++) {
                int taken = place(at);
                if (taken > 0 && tooMany(taken)) {
                    // Switched to the keyed hash, which laid the index out anew.
                    return;
                }
            }
        }

        private void grow() {
            int capacity = capacity() * 2;
            if (names != null) {
                names = Arrays.copyOf(names, capacity);
            }
            if (values != null) {
                values = Arrays.copyOf(values, capacity);
            }
            fields = Arrays.copyOf(fields, capacity * STRIDE);
            newSlots(capacity);
            layOut();
        }

        private int slot(int slot) {
            return slots != null ? slots[slot] : wideSlots[slot];
        }

        private void setSlot(int slot, int positionPlusOne) {
            if (slots != null) {
                slots[slot] = (char) positionPlusOne;
            } else {
                wideSlots[slot] = positionPlusOne;
            }
        }

        /** An empty slot table for {@code capacity} fields: chars while every position + 1 fits in one. */
        private void newSlots(int capacity) {
            int count = slotsFor(capacity);
            if (capacity <= Character.MAX_VALUE) {
                slots = new char[count];
                wideSlots = null;
            } else {
                slots = null;
                wideSlots = new int[count];
            }
            shift = Integer.numberOfLeadingZeros(count) + 1;
        }

        private int capacity() {
            return fields.length / STRIDE;
        }

        /** A power of two at least twice the capacity, so probes stay short and a free slot always exists. */
        private static int slotsFor(int capacity) {
            return Integer.highestOneBit(capacity * 2 - 1) << 1;
        }
    }
}
