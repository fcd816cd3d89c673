package io.sluice.core;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An event's headers: a mutable {@code Map<String, String>} kept as one array of keys and values
 * side by side, searched from the start.
 *
 * <p>Why not a {@link java.util.HashMap}: a source makes a map of about 16 headers per event, a
 * million times a second, and a HashMap spends a node object per entry plus a table, most of the
 * cost of building the event. Here an event's headers are one array, filled in order; a lookup
 * compares at most a few dozen references (header names are mostly the same constant strings, so
 * the identity check usually settles it). Maps of many hundreds of entries would want a hash
 * table; event headers do not get there.
 *
 * <p>Everything of {@link Map} works, views and iterator removal included; null keys and values
 * are allowed, as in a HashMap. Iteration follows insertion order. Not thread-safe.
 */
public final class HeaderMap extends AbstractMap<String, String> {

  // key, value, key, value, ...: a String[], so that the JIT needs no type check per store
  private String[] slots;
  private int size;
  private int modCount;

  /** A map with room for {@code expected} entries before it grows. */
  public HeaderMap(int expected) {
    slots = new String[2 * Math.max(1, expected)];
  }

  /**
   * Adds an entry whose key the caller knows is absent (building an event's first headers),
   * skipping the search {@link #put} makes.
   */
  public void putNew(String key, String value) {
    assert indexOf(key) < 0 : "putNew of a present key: " + key;
    append(key, value);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public String get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : value(i);
  }

  @Override
  public String put(String key, String value) {
    int i = indexOf(key);
    if (i >= 0) {
      String old = value(i);
      slots[2 * i + 1] = value;
      return old;
    }
    append(key, value);
    return null;
  }

  @Override
  public String remove(Object key) {
    int i = indexOf(key);
    if (i < 0) {
      return null;
    }
    String old = value(i);
    removeAt(i);
    return old;
  }

  @Override
  public void clear() {
    Arrays.fill(slots, 0, 2 * size, null);
    size = 0;
    modCount++;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super String> action) {
    int expected = modCount;
    for (int i = 0; i < size; i++) {
      action.accept(key(i), value(i));
      if (modCount != expected) {
        throw new ConcurrentModificationException();
      }
    }
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return new Entries();
  }

  private int indexOf(Object key) {
    String[] s = slots;
    int n = 2 * size;
    for (int i = 0; i < n; i += 2) { // names are mostly the same constants: identity first
      if (s[i] == key) {
        return i >> 1;
      }
    }
    if (key != null) {
      for (int i = 0; i < n; i += 2) {
        if (key.equals(s[i])) {
          return i >> 1;
        }
      }
    }
    return -1;
  }

  private void append(String key, String value) {
    int at = 2 * size;
    if (at == slots.length) {
      slots = Arrays.copyOf(slots, 2 * slots.length);
    }
    slots[at] = key;
    slots[at + 1] = value;
    size++;
    modCount++;
  }

  private void removeAt(int i) {
    int from = 2 * (i + 1);
    System.arraycopy(slots, from, slots, 2 * i, 2 * size - from);
    size--;
    slots[2 * size] = null;
    slots[2 * size + 1] = null;
    modCount++;
  }

  private String key(int i) {
    return slots[2 * i];
  }

  private String value(int i) {
    return slots[2 * i + 1];
  }

  private final class Entries extends AbstractSet<Entry<String, String>> {
    @Override
    public int size() {
      return size;
    }

    @Override
    public void clear() {
      HeaderMap.this.clear();
    }

    @Override
    public Iterator<Entry<String, String>> iterator() {
      return new Iterator<>() {
        private int next;
        private int last = -1;
        private int expected = modCount;

        @Override
        public boolean hasNext() {
          return next < size;
        }

        @Override
        public Entry<String, String> next() {
          if (modCount != expected) {
            throw new ConcurrentModificationException();
          }
          if (next >= size) {
            throw new NoSuchElementException();
          }
          last = next++;
          return new Slot(last);
        }

        @Override
        public void remove() {
          if (last < 0) {
            throw new IllegalStateException();
          }
          if (modCount != expected) {
            throw new ConcurrentModificationException();
          }
          removeAt(last);
          next = last;
          last = -1;
          expected = modCount;
        }
      };
    }
  }

  /** An entry seen through an iterator: reads and writes the map until the map changes shape. */
  private final class Slot implements Entry<String, String> {
    private final int index;

    Slot(int index) {
      this.index = index;
    }

    @Override
    public String getKey() {
      return key(index);
    }

    @Override
    public String getValue() {
      return value(index);
    }

    @Override
    public String setValue(String value) {
      String old = value(index);
      slots[2 * index + 1] = value;
      return old;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry<?, ?> e
          && Objects.equals(getKey(), e.getKey())
          && Objects.equals(getValue(), e.getValue());
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(getKey()) ^ Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return getKey() + "=" + getValue();
    }
  }
}
