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
 * An event's headers: a mutable {@code Map<String, String>} kept as an array of keys beside an
 * array of values, searched from the start.
 *
 * <p>Why not a {@link java.util.HashMap}: a source makes a map of about 16 headers per event, a
 * million times a second, and a HashMap spends a node object per entry plus a table, most of the
 * cost of building the event. Here an event's headers are two arrays, filled in order; a lookup
 * compares at most a few dozen references (header names are mostly the same constant strings, so
 * the identity check usually settles it). Maps of many hundreds of entries would want a hash
 * table; event headers do not get there.
 *
 * <p>A source whose events always have the same names may give them as a {@link Layout}: the map
 * then starts with the layout's names as its keys, shared by every map of that layout (copied only
 * when an entry is added past them), and {@link #fill} sets a value by its slot. Building an event
 * then writes its values only, and each event holds one array rather than names and values.
 *
 * <p>A slot whose value is {@code null} holds no entry (a layout name not filled, an entry
 * removed); a null value is kept as {@link #NULL}. Everything of {@link Map} works, views and
 * iterator removal included; null keys and values are allowed, as in a HashMap. Iteration follows
 * the slots: the layout's filled names in its order, then the entries added, in insertion order.
 * Not thread-safe.
 */
public final class HeaderMap extends AbstractMap<String, String> {

  /** Stands for a null value in {@link #values}, where null means "no entry". */
  private static final String NULL = new String("null");

  /**
   * The names every map of a layout starts with, in slot order: a name's slot, for {@link #fill},
   * is its index among them. Immutable.
   */
  public static final class Layout {
    private final String[] names;

    public Layout(String... names) {
      Set.of(names); // throws for a repeated or a null name
      this.names = names.clone();
    }
  }

  private static final Layout EMPTY = new Layout();

  // String[] rather than Object[], so that the JIT needs no type check per store
  private String[] keys; // a layout's own array until an entry is added past it
  private String[] values; // null: no entry in that slot
  private boolean keysShared;
  private int used; // slots [0, used) have keys
  private int size;
  private int modCount;

  /** A map with room for {@code expected} entries before it grows. */
  public HeaderMap(int expected) {
    this(EMPTY, expected);
  }

  /** A map whose keys are {@code layout}'s names, none filled yet, with room for {@code more}. */
  public HeaderMap(Layout layout, int more) {
    keys = layout.names;
    keysShared = true;
    used = keys.length;
    values = new String[Math.max(1, used + more)];
  }

  /**
   * Sets the value of the layout's name at {@code slot}, not filled yet, before any entry was
   * added past the layout (building an event's headers): no search.
   */
  public void fill(int slot, String value) {
    assert keysShared && slot < used && values[slot] == null
        : "fill of a filled slot, or after an entry was added: " + slot;
    values[slot] = value == null ? NULL : value;
    size++;
    modCount++;
  }

  /** {@link #fill}, for a value that is there: a null one leaves the slot without an entry. */
  public void fillIfPresent(int slot, String value) {
    if (value != null) {
      fill(slot, value);
    }
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
      return set(i, value);
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
    Arrays.fill(values, 0, used, null);
    used = 0; // keys past it are never read; shared ones never written (see append)
    size = 0;
    modCount++;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super String> action) {
    int expected = modCount;
    for (int i = 0; i < used; i++) {
      if (values[i] != null) {
        action.accept(keys[i], value(i));
        if (modCount != expected) {
          throw new ConcurrentModificationException();
        }
      }
    }
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return new Entries();
  }

  private int indexOf(Object key) {
    String[] k = keys;
    String[] v = values;
    int n = used;
    for (int i = 0; i < n; i++) { // names are mostly the same constants: identity first
      if (k[i] == key && v[i] != null) {
        return i;
      }
    }
    if (key != null) {
      for (int i = 0; i < n; i++) {
        if (v[i] != null && key.equals(k[i])) {
          return i;
        }
      }
    }
    return -1;
  }

  private void append(String key, String value) {
    if (used == values.length) {
      makeRoom();
    } else if (keysShared) {
      keys = Arrays.copyOf(keys, values.length);
      keysShared = false;
    }
    keys[used] = key;
    values[used] = value == null ? NULL : value;
    used++;
    size++;
    modCount++;
  }

  /** Room for one more slot: the empty slots squeezed out, or twice the room. */
  private void makeRoom() {
    int capacity = size < used ? values.length : 2 * values.length;
    String[] k = new String[capacity];
    String[] v = new String[capacity];
    int n = 0;
    for (int i = 0; i < used; i++) {
      if (values[i] != null) {
        k[n] = keys[i];
        v[n++] = values[i];
      }
    }
    keys = k;
    values = v;
    keysShared = false;
    used = n;
  }

  private String set(int i, String value) {
    String old = value(i);
    values[i] = value == null ? NULL : value;
    return old;
  }

  private void removeAt(int i) {
    values[i] = null;
    size--;
    modCount++;
  }

  private String value(int i) {
    String v = values[i];
    return v == NULL ? null : v;
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
        private int next; // a slot at or before the next entry
        private int last = -1;
        private int expected = modCount;

        @Override
        public boolean hasNext() {
          while (next < used && values[next] == null) {
            next++;
          }
          return next < used;
        }

        @Override
        public Entry<String, String> next() {
          if (modCount != expected) {
            throw new ConcurrentModificationException();
          }
          if (!hasNext()) {
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
          removeAt(last); // empties the slot: no entry moves
          last = -1;
          expected = modCount;
        }
      };
    }
  }

  /**
   * An entry seen through an iterator. It follows its key when a later add squeezes the slots;
   * once its entry is removed, it is detached, as a HashMap's: it keeps its last value and writes
   * no more to the map.
   */
  private final class Slot implements Entry<String, String> {
    private final String key;
    private int index; // -1 once detached
    private String last;

    Slot(int index) {
      this.key = keys[index];
      this.index = index;
      this.last = value(index);
    }

    /** Where the entry is now, or -1. */
    private int index() {
      if (index >= 0 && (index >= used || keys[index] != key)) {
        index = indexOf(key); // the slots were squeezed: find the key again
      } else if (index >= 0 && values[index] == null) {
        index = -1; // removed
      }
      return index;
    }

    @Override
    public String getKey() {
      return key;
    }

    @Override
    public String getValue() {
      int i = index();
      if (i >= 0) {
        last = value(i);
      }
      return last;
    }

    @Override
    public String setValue(String value) {
      String old = getValue();
      if (index >= 0) {
        set(index, value);
      }
      last = value;
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
