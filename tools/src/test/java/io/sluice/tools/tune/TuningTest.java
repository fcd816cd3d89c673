package io.sluice.tools.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TuningTest {

  @Test
  void theSustainableRateIsTheLastStepOfAnUnbrokenRunOfKeptUpSteps() {
    List<Step> ramp = List.of(
        new Step(1000, 1000, 0, 0, 0, 5),
        new Step(2000, 1990, 0, 0.01, 0, 6),
        new Step(4000, 3500, 0.01, 0.02, 0, 9), // wrote 87.5%: fell behind
        new Step(8000, 8000, 0, 0, 0, 5)); // recovered: not trusted
    assertEquals(2000, Tuning.sustainable(ramp));
    assertTrue(Double.isNaN(Tuning.sustainable(List.of(new Step(100, 10, 0, 0, 0, 1)))));
  }

  @Test
  void aFillingChannelOrADropIsFallingBehindEvenWhenTheRatesAgree() {
    assertEquals(false, new Step(1000, 1000, 0.10, 0.20, 0, 5).keptUp());
    assertEquals(false, new Step(1000, 1000, 0, 0, 1, 5).keptUp());
    assertEquals(true, new Step(1000, 950, 0.10, 0.15, 0, 5).keptUp());
  }

  @Test
  void refillIsWithinTheEightyToNinetyPercentBandAndTheBurstIsThreeToFiveSecondsOfPeak() {
    Tuning.Advice a = Tuning.advise(10_000, 12_000, 4, 2);
    assertEquals(8_500, a.globalRate());
    assertTrue(a.globalRate() >= 0.8 * 10_000 && a.globalRate() <= 0.9 * 10_000);
    assertEquals(48_000, a.globalBurst());
    assertTrue(a.globalBurst() >= 3 * 12_000 && a.globalBurst() <= 5 * 12_000);
    assertEquals(2_125, a.keyRate());
    assertEquals(12_000, a.keyBurst());
    assertEquals(17_000, a.deferredRoom());
    String p = a.properties("a1.sources.r1.interceptors.gov.");
    assertTrue(p.contains("a1.sources.r1.interceptors.gov.global.limit = 8500/s burst 48000\n"), p);
    assertTrue(p.contains("a1.sources.r1.interceptors.gov.limit = 2125/s burst 12000\n"), p);
    assertTrue(p.contains("a1.sources.r1.interceptors.gov.defer.maxDelay = 2s\n"), p);
    assertTrue(p.contains("a1.sources.r1.interceptors.gov.defer.maxEvents = 17000\n"), p);
    assertTrue(p.contains("# measured: the sink kept up with 10000 events/s"), p);
  }

  @Test
  void nothingToAdviseFromNothingMeasured() {
    assertThrows(IllegalArgumentException.class, () -> Tuning.advise(Double.NaN, 100, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> Tuning.advise(100, 100, 0, 2));
  }

  @Test
  void aFractionalDelayIsWrittenInMilliseconds() {
    assertTrue(Tuning.advise(100, 100, 1, 0.5).properties("").contains("defer.maxDelay = 500ms\n"));
  }
}
