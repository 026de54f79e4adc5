#include "scale/request_pipeline.h"

#include <algorithm>

#include "client/client_invoker.h"
#include "scale/token_bucket.h"

namespace mtpipe::scale {

RequestPipeline::RequestPipeline(std::vector<std::string> accounts, std::vector<client::Client*> clients,
                                 PipelineOptions options)
    : RequestPipeline(std::move(accounts), std::make_unique<client::ClientInvoker>(clients), options) {
  if (clients.size() != accounts_.size()) throw std::invalid_argument("the pipeline needs one client per account");
}

RequestPipeline::RequestPipeline(std::vector<std::string> accounts, std::unique_ptr<client::Invoker> bottom,
                                 PipelineOptions options)
    : accounts_(std::move(accounts)), bottom_(std::move(bottom)), head_(bottom_.get()), options_(options) {}

RequestPipeline::~RequestPipeline() {
  while (!links_.empty()) links_.pop_back();  // from the top down: each link refers to the one below
}

boost::asio::awaitable<std::vector<std::uint8_t>> RequestPipeline::call(std::vector<std::uint8_t> query,
                                                                        RequestOptions options, RequestTrace* trace) {
  client::Request request;
  request.method = client::Method::of(query);
  request.query = std::move(query);
  request.deadline = Clock::now() + options.timeout.value_or(options_.request_timeout);
  request.channel_id = options.channel_id;
  request.dc = options.dc;
  request.resend_after_reconnect = options.resend_after_reconnect;
  if (options.account) {
    const auto it = std::find(accounts_.begin(), accounts_.end(), *options.account);
    if (it == accounts_.end()) throw std::invalid_argument("no account named " + *options.account + " in the pool");
    request.account = static_cast<std::size_t>(it - accounts_.begin());
    request.account_name = *it;
  }
  ++counters_.requests;
  // Counted down however the request ends: an answer, an error, or its coroutine destroyed by a forced stop.
  struct InFlight {
    RequestPipeline& pipeline;
    explicit InFlight(RequestPipeline& p) : pipeline(p) { ++pipeline.in_flight_; }
    ~InFlight() {
      --pipeline.in_flight_;
      pipeline.request_ended_.notify_all();
    }
  } in_flight{*this};
  std::exception_ptr failure;
  std::vector<std::uint8_t> answer;
  try {
    answer = co_await head_->invoke(request);
  } catch (...) {
    failure = std::current_exception();
  }
  if (trace && request.account) {  // unset when no account was lent to it
    trace->account = accounts_[*request.account];
    trace->attempts = request.attempt;
    if (!failure) trace->dc = request.trace.dc;
  }
  if (failure) {
    ++counters_.failed;
    std::rethrow_exception(failure);
  }
  ++counters_.ok;
  co_return answer;
}

PipelineCounters RequestPipeline::counters() const {
  PipelineCounters c = counters_;
  for (const auto& link : links_) link->count(c);
  return c;
}

}  // namespace mtpipe::scale
