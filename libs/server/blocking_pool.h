#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gridcase::server {

// A fixed pool of threads for request handlers that block (waiting on Kafka acknowledgements, Redis round trips).
// Callback-API handlers hand their work here and finish the reactor from the pool, so gRPC's own threads never block.
// The destructor runs every task already submitted, then joins.
class BlockingPool {
 public:
  explicit BlockingPool(int threads);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  void Submit(std::function<void()> task);

 private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gridcase::server
