// FaultInjector: refuses to run outside development/test, parses its spec strictly, draws faults at the asked
// rates reproducibly from its seed, and throws exactly the error types real failures throw.
#include "scale/fault_injector.h"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cmath>
#include <string>

#include "async/cancelled.h"
#include "mtproto/connection/call_error.h"
#include "net/dial_error.h"
#include "scale/rate_gate.h"

namespace mtpipe::scale {
namespace {

namespace asio = boost::asio;
constexpr const char* kSpec = "delay=0.02,connection=0.01,timeout=0.01,rate_limit=0.01,flood_wait=0.01,dns=0.005,refused=0.005";
constexpr const char* kMethod = "stats.getBroadcastStats";

FaultSettings settings(const std::string& environment, bool enabled, const std::string& spec, std::uint64_t seed = 42) {
  FaultSettings s{parse_fault_spec(spec), enabled, environment};
  s.seed = seed;
  return s;
}

double p(const FaultProbabilities& probabilities, FaultKind kind) { return probabilities[static_cast<std::size_t>(kind)]; }

TEST(FaultInjector, RefusesToRunInProductionEvenWhenEnabled) {
  FaultInjector injector(settings("production", true, "connection=1"));
  EXPECT_FALSE(injector.active());
  EXPECT_EQ(injector.refusal(), "fault injection refused: ENVIRONMENT=production (allowed: development, test)");
  for (int i = 0; i < 100; ++i) EXPECT_EQ(injector.decide(kMethod).kind, FaultKind::none);
  EXPECT_EQ(injector.counters().decisions, 100u);
  EXPECT_EQ(injector.counters().of(FaultKind::none), 100u);

  FaultInjector unset(settings("", true, "connection=1"));
  EXPECT_FALSE(unset.active());
  EXPECT_NE(unset.refusal().find("ENVIRONMENT is not set"), std::string::npos);
}

TEST(FaultInjector, IsOffWithoutTheFlagEvenInTest) {
  FaultInjector injector(settings("test", false, "connection=1"));
  EXPECT_FALSE(injector.active());
  EXPECT_NE(injector.refusal().find("FAULT_INJECTION_ENABLED"), std::string::npos);
  EXPECT_EQ(injector.decide(kMethod).kind, FaultKind::none);
}

TEST(FaultInjector, RunsInDevelopmentAndTest) {
  for (const auto* env : {"development", "test", "Test"}) {
    FaultInjector injector(settings(env, true, "connection=1"));
    EXPECT_TRUE(injector.active()) << env;
    EXPECT_TRUE(injector.refusal().empty());
    const auto d = injector.decide(kMethod);
    EXPECT_EQ(d.kind, FaultKind::connection);
    EXPECT_EQ(d.method, kMethod);
  }
  EXPECT_FALSE(fault_injection_allowed_in("staging"));
}

TEST(FaultSpec, ParsesEveryKind) {
  const auto probs = parse_fault_spec(kSpec).probabilities;
  EXPECT_DOUBLE_EQ(p(probs, FaultKind::delay), 0.02);
  EXPECT_DOUBLE_EQ(p(probs, FaultKind::connection), 0.01);
  EXPECT_DOUBLE_EQ(p(probs, FaultKind::timeout), 0.01);
  EXPECT_DOUBLE_EQ(p(probs, FaultKind::rate_limit), 0.01);
  EXPECT_DOUBLE_EQ(p(probs, FaultKind::flood_wait), 0.01);
  EXPECT_DOUBLE_EQ(p(probs, FaultKind::dns), 0.005);
  EXPECT_DOUBLE_EQ(p(probs, FaultKind::refused), 0.005);
  EXPECT_EQ(parse_fault_spec(" delay = 0.5 , dns=0.5 ").probabilities[static_cast<std::size_t>(FaultKind::dns)], 0.5);
  EXPECT_EQ(parse_fault_spec("").probabilities, FaultProbabilities{});
}

TEST(FaultSpec, SetsTheRangesAndTheSeedOrKeepsTheDefaults) {
  const auto spec = parse_fault_spec("flood_wait=0.1, delay_ms=5-20, flood_wait_s = 2-3, seed=99");
  EXPECT_EQ(spec.delay_min, std::chrono::milliseconds(5));
  EXPECT_EQ(spec.delay_max, std::chrono::milliseconds(20));
  EXPECT_EQ(spec.flood_seconds_min, 2);
  EXPECT_EQ(spec.flood_seconds_max, 3);
  EXPECT_EQ(spec.seed, 99u);
  EXPECT_EQ(parse_fault_spec("delay_ms=250").delay_max, std::chrono::milliseconds(250));
  const FaultSpec defaults;
  const auto plain = parse_fault_spec("delay=0.1");
  EXPECT_EQ(plain.delay_min, defaults.delay_min);
  EXPECT_EQ(plain.flood_seconds_max, defaults.flood_seconds_max);
  EXPECT_EQ(plain.seed, defaults.seed);

  // The same seed, the same faults: a chaos run can be repeated from its settings alone.
  FaultSettings a{parse_fault_spec("flood_wait=0.5,flood_wait_s=1-30,seed=5"), true, "test"};
  FaultSettings b = a;
  FaultInjector first(a), second(b);
  for (int i = 0; i < 50; ++i) {
    const auto x = first.decide(kMethod), y = second.decide(kMethod);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.flood_seconds, y.flood_seconds);
    if (x.kind == FaultKind::flood_wait) {
      EXPECT_TRUE(x.flood_seconds >= 1 && x.flood_seconds <= 30);
    }
  }
}

void expect_spec_error(const std::string& spec, const std::string& names) {
  try {
    parse_fault_spec(spec);
    ADD_FAILURE() << "accepted " << spec;
  } catch (const FaultSpecError& e) {
    EXPECT_NE(std::string(e.what()).find(names), std::string::npos) << e.what();
  }
}

TEST(FaultSpec, NamesTheBadPart) {
  expect_spec_error("delay=0.1,explode=0.1", "unknown name \"explode\"");
  expect_spec_error("delay=1.5", "1.5 for delay is outside 0..1");
  expect_spec_error("timeout=-0.1", "outside 0..1");
  expect_spec_error("delay=0.6,timeout=0.6", "add up to 1.2");
  expect_spec_error("delay", "\"delay\" is not name=value");
  expect_spec_error("dns=lots", "\"lots\" for dns is not a number");
  expect_spec_error("dns=0.1,dns=0.2", "dns is given twice");
  expect_spec_error("none=0.5", "unknown name \"none\"");
  expect_spec_error("delay=0.1,", "\"\" is not name=value");
  expect_spec_error("delay_ms=20-5", "delay_ms=20-5 is not a range from low to high");
  expect_spec_error("flood_wait_s=1-x", "\"x\" for flood_wait_s is not a whole number");
  expect_spec_error("seed=-3", "\"-3\" for seed is not a whole number");
  expect_spec_error("seed=1,seed=2", "seed is given twice");
}

TEST(FaultInjector, RefusesImpossibleSettings) {
  auto s = settings("test", true, "");
  s.delay_min = std::chrono::milliseconds(10);
  s.delay_max = std::chrono::milliseconds(5);
  EXPECT_THROW(FaultInjector{s}, FaultSpecError);
  s = settings("production", false, "");
  s.probabilities[static_cast<std::size_t>(FaultKind::dns)] = 2;  // refused even when it would not run
  EXPECT_THROW(FaultInjector{s}, FaultSpecError);
}

// 100,000 draws: each kind's count within five standard deviations of n·p. The seed makes this deterministic, so
// the bound is about the generator being wired right, not about luck.
TEST(FaultInjector, DrawsEachKindAtItsProbabilityReproducibly) {
  constexpr int kDraws = 100'000;
  const auto s = settings("test", true, kSpec, 7);
  FaultInjector a(s), b(s);
  for (int i = 0; i < kDraws; ++i) {
    const auto x = a.decide(kMethod);
    const auto y = b.decide(kMethod);
    ASSERT_EQ(x.kind, y.kind) << "draw " << i;
    ASSERT_EQ(x.delay, y.delay) << "draw " << i;
    ASSERT_EQ(x.flood_seconds, y.flood_seconds) << "draw " << i;
    if (x.kind == FaultKind::delay || x.kind == FaultKind::rate_limit) {
      EXPECT_GE(x.delay, s.delay_min);
      EXPECT_LE(x.delay, s.delay_max);
    }
    if (x.kind == FaultKind::flood_wait) {
      EXPECT_GE(x.flood_seconds, s.flood_seconds_min);
      EXPECT_LE(x.flood_seconds, s.flood_seconds_max);
    }
  }
  const auto& c = a.counters();
  EXPECT_EQ(c.decisions, static_cast<std::uint64_t>(kDraws));
  double faults = 0;
  for (std::size_t k = 1; k < kFaultKinds; ++k) {
    const double prob = s.probabilities[k];
    faults += prob;
    const double expected = kDraws * prob;
    const double sd = std::sqrt(kDraws * prob * (1 - prob));
    EXPECT_NEAR(static_cast<double>(c.by_kind[k]), expected, 5 * sd) << to_string(static_cast<FaultKind>(k));
    EXPECT_GT(c.by_kind[k], 0u);
  }
  EXPECT_NEAR(static_cast<double>(c.of(FaultKind::none)), kDraws * (1 - faults), 5 * std::sqrt(kDraws * faults * (1 - faults)));

  FaultInjector other_seed(settings("test", true, kSpec, 8));
  int differ = 0;
  FaultInjector again(s);
  for (int i = 0; i < 1000; ++i) differ += other_seed.decide(kMethod).kind != again.decide(kMethod).kind;
  EXPECT_GT(differ, 0);
}

// Runs apply() to the end on an io_context; what it threw, if anything.
std::exception_ptr run_apply(FaultDecision decision) {
  asio::io_context io;
  std::exception_ptr thrown;
  bool done = false;
  asio::co_spawn(io, FaultInjector::apply(std::move(decision)), [&](std::exception_ptr e) {
    thrown = e;
    done = true;
  });
  io.run();
  EXPECT_TRUE(done);
  return thrown;
}

FaultDecision decision(FaultKind kind) {
  FaultDecision d;
  d.kind = kind;
  d.method = kMethod;
  d.delay = std::chrono::milliseconds(1);
  d.flood_seconds = 17;
  return d;
}

// Rethrows `e` and returns the error caught as E, failing the test when it is something else.
template <class E, class Check>
void expect_thrown(std::exception_ptr e, Check check) {
  ASSERT_TRUE(e) << "nothing was thrown";
  try {
    std::rethrow_exception(e);
  } catch (const E& error) {
    EXPECT_NE(std::string(error.what()).find("injected"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(kMethod), std::string::npos) << error.what();
    check(error);
  } catch (const std::exception& other) {
    ADD_FAILURE() << "unexpected error: " << other.what();
  }
}

TEST(FaultInjector, ApplyThrowsWhatARealFailureThrows) {
  EXPECT_FALSE(run_apply(decision(FaultKind::none)));
  EXPECT_FALSE(run_apply(decision(FaultKind::delay)));
  expect_thrown<mtproto::CallError>(run_apply(decision(FaultKind::connection)), [](const mtproto::CallError& e) {
    EXPECT_EQ(e.kind(), mtproto::CallError::Kind::connection_lost);
  });
  expect_thrown<client::RpcError>(run_apply(decision(FaultKind::timeout)), [](const client::RpcError& e) {
    EXPECT_EQ(e.kind(), client::RpcErrorKind::timeout);
    EXPECT_TRUE(e.is_internal());
  });
  expect_thrown<client::RpcError>(run_apply(decision(FaultKind::flood_wait)), [](const client::RpcError& e) {
    EXPECT_EQ(e.kind(), client::RpcErrorKind::flood_wait);
    EXPECT_EQ(e.code(), 420);
    EXPECT_EQ(e.message(), "FLOOD_WAIT_17");
    EXPECT_EQ(e.value(), 17);
  });
  expect_thrown<RateDeadlineExceeded>(run_apply(decision(FaultKind::rate_limit)), [](const RateDeadlineExceeded& e) {
    EXPECT_EQ(e.limited_by(), Limit::global);
    EXPECT_EQ(e.reason(), RateRefused::Reason::deadline);
  });
  expect_thrown<net::DialError>(run_apply(decision(FaultKind::dns)), [](const net::DialError& e) {
    EXPECT_EQ(e.kind(), net::DialError::Kind::dns);
  });
  expect_thrown<net::DialError>(run_apply(decision(FaultKind::refused)), [](const net::DialError& e) {
    EXPECT_EQ(e.kind(), net::DialError::Kind::refused);
  });
}

TEST(FaultInjector, ACancelledDelayEndsAsACancelledCall) {
  asio::io_context io;
  asio::cancellation_signal cancel;
  std::exception_ptr thrown;
  auto d = decision(FaultKind::delay);
  d.delay = std::chrono::hours(1);
  asio::co_spawn(io, FaultInjector::apply(std::move(d)),
                 asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) { thrown = e; }));
  asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
  io.run();
  ASSERT_TRUE(thrown);
  EXPECT_TRUE(async::is_cancellation(thrown));
}

}  // namespace
}  // namespace mtpipe::scale
