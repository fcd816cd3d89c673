package io.sluice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** HeaderMap is a {@link Map}: checked against LinkedHashMap, the model with the same order. */
class HeaderMapTest {

  /** One step on both maps; keys from a small pool so that steps hit present keys often. */
  record Op(int kind, String key, String value) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<String> keys =
        Arbitraries.oneOf(Arbitraries.of("host", "Severity", "a", "b", "c", "d", "e", "f", "g"),
            Arbitraries.just(null), Arbitraries.strings().alpha().ofMaxLength(2));
    Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(3), Arbitraries.just(null));
    Arbitrary<Op> op =
        Combinators.combine(Arbitraries.integers().between(0, 9), keys, values).as(Op::new);
    return op.list().ofMaxSize(80);
  }

  @Property(tries = 500, seed = "2026")
  void behavesAsLinkedHashMap(@ForAll("ops") List<Op> ops) {
    check(new HeaderMap(2), new LinkedHashMap<>(), ops); // small, so that it grows
  }

  /**
   * A map that starts from a layout, some of its names filled (as a source builds an event), then
   * goes on as any map: the shared names copied before the first add, emptied slots skipped, then
   * squeezed out.
   */
  @Property(tries = 500, seed = "2027")
  void startedFromALayoutBehavesAsLinkedHashMap(@ForAll("ops") List<Op> ops,
      @ForAll boolean[] filled) {
    List<String> names = List.of("host", "a", "Severity", "b", "x");
    HeaderMap.Layout layout = new HeaderMap.Layout(names.toArray(String[]::new));
    HeaderMap map = new HeaderMap(layout, 1);
    Map<String, String> model = new LinkedHashMap<>();
    for (int slot = 0; slot < Math.min(filled.length, names.size()); slot++) {
      if (filled[slot]) {
        String value = slot == 2 ? null : "v" + slot;
        map.fill(slot, value);
        model.put(names.get(slot), value);
      }
    }
    check(map, model, ops);
    HeaderMap fresh = new HeaderMap(layout, 0);
    for (String name : names) {
      fresh.fill(names.indexOf(name), name);
    }
    fresh.put("y", "2");
    Map<String, String> expected = new LinkedHashMap<>();
    names.forEach(n -> expected.put(n, n));
    expected.put("y", "2");
    assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(fresh.entrySet()),
        "maps of a layout share its names only: each name still where the layout put it");
  }

  private static void check(HeaderMap map, Map<String, String> model, List<Op> ops) {
    for (Op op : ops) {
      switch (op.kind()) {
        case 0, 1, 2 -> assertEquals(model.put(op.key(), op.value()), map.put(op.key(), op.value()));
        case 3 -> assertEquals(model.remove(op.key()), map.remove(op.key()));
        case 4 -> {
          assertEquals(model.get(op.key()), map.get(op.key()));
          assertEquals(model.containsKey(op.key()), map.containsKey(op.key()));
          assertEquals(model.containsValue(op.value()), map.containsValue(op.value()));
        }
        case 5 -> { // remove through the entry iterator
          model.entrySet().removeIf(e -> Objects.equals(e.getKey(), op.key()));
          Iterator<Map.Entry<String, String>> it = map.entrySet().iterator();
          while (it.hasNext()) {
            if (Objects.equals(it.next().getKey(), op.key())) {
              it.remove();
            }
          }
        }
        case 6 -> { // write through an entry
          model.entrySet().forEach(e -> e.setValue(e.getValue() + "!"));
          map.entrySet().forEach(e -> e.setValue(e.getValue() + "!"));
        }
        case 7 -> {
          model.keySet().remove(op.key());
          map.keySet().remove(op.key());
        }
        case 8 -> assertEquals(model.putIfAbsent(op.key(), op.value()),
            map.putIfAbsent(op.key(), op.value()));
        default -> {
          if (op.value() == null) {
            model.clear();
            map.clear();
          }
        }
      }
      assertEquals(model.size(), map.size());
      assertEquals(new ArrayList<>(model.entrySet()), new ArrayList<>(map.entrySet()), "order and content");
      assertEquals(model, map);
      assertEquals(map, model);
      assertEquals(model.hashCode(), map.hashCode());
      assertEquals(model.toString(), map.toString());
    }
    Map<String, String> seen = new LinkedHashMap<>();
    map.forEach(seen::put);
    assertEquals(model, seen);
  }

  @Test
  void iteratorRemovesInPlaceAndRefusesMisuse() {
    HeaderMap map = new HeaderMap(4);
    map.put("a", "1");
    map.put("b", "2");
    map.put("c", "3");
    Iterator<Map.Entry<String, String>> it = map.entrySet().iterator();
    assertThrows(IllegalStateException.class, it::remove);
    assertEquals("a", it.next().getKey());
    it.remove();
    assertThrows(IllegalStateException.class, it::remove);
    assertEquals("b", it.next().getKey());
    assertEquals("c", it.next().getKey());
    it.remove();
    assertFalse(it.hasNext());
    assertThrows(NoSuchElementException.class, it::next);
    assertEquals(Map.of("b", "2"), map);
  }

  @Test
  void anEntryFollowsItsKeyWhenSlotsAreSqueezedAndIsDetachedOnceRemoved() {
    HeaderMap map = new HeaderMap(2);
    map.put("a", "1");
    map.put("b", "2");
    Iterator<Map.Entry<String, String>> it = map.entrySet().iterator();
    Map.Entry<String, String> a = it.next();
    Map.Entry<String, String> b = it.next();
    map.remove("a");
    map.put("c", "3"); // full: the empty slot is squeezed out and b moves
    assertEquals("2", b.setValue("X"));
    assertEquals(Map.of("b", "X", "c", "3"), map);
    assertEquals("1", a.getValue(), "a removed entry keeps its last value");
    assertEquals("1", a.setValue("Z"));
    assertEquals(Map.of("b", "X", "c", "3"), map, "and writes no more to the map");

    Iterator<Map.Entry<String, String>> again = map.entrySet().iterator();
    Map.Entry<String, String> first = again.next();
    again.remove();
    first.setValue("Y");
    assertEquals(Map.of("c", "3"), map);
    assertEquals(1, map.size());
  }

  @Test
  void changesOutsideAnIteratorAreDetected() {
    HeaderMap map = new HeaderMap(4);
    map.put("a", "1");
    map.put("b", "2");
    Iterator<String> it = map.keySet().iterator();
    it.next();
    map.put("c", "3");
    assertThrows(ConcurrentModificationException.class, it::next);
    assertThrows(ConcurrentModificationException.class, () -> map.forEach((k, v) -> map.remove("c")));
  }

  @Test
  void equalKeysThatAreNotTheSameStringFindTheEntry() {
    HeaderMap map = new HeaderMap(4);
    map.put(Headers.CLIENT_IP, "10.0.0.1");
    String fromConfig = new String("clientIp".toCharArray()); // as read from a properties file
    assertEquals("10.0.0.1", map.get(fromConfig));
    assertEquals("10.0.0.1", map.put(fromConfig, "10.0.0.2"));
    assertEquals(1, map.size());
    assertNull(map.get("clientip"));
    assertTrue(map.equals(new HashMap<>(Map.of("clientIp", "10.0.0.2"))));
  }
}
