// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title AI Nomads agent reputation
/// @notice Ratings that only paying buyers can give, once per purchase, and execution
/// statistics with Merkle roots of execution receipts posted by the platform's attester.
interface IAgentReputation {
    /// @notice Emitted when the buyer of a purchase rates the listing's agent.
    event Rated(uint256 indexed listingId, uint256 indexed purchaseId, address indexed buyer, uint8 score);
    /// @notice Emitted for each attested batch of executions.
    event Attested(
        uint256 indexed listingId,
        uint256 indexed batch,
        bytes32 receiptsRoot,
        uint64 runs,
        uint64 successes,
        uint32 p50LatencyMs,
        uint32 p99LatencyMs
    );

    error NotPurchaseBuyer(uint256 purchaseId, address caller);
    error AlreadyRated(uint256 purchaseId);
    error InvalidScore(uint8 score);
    error InvalidBatch();

    /// @notice Rates the agent of a purchase with a score from 1 to 5. Only the purchase's
    /// buyer may, and only once per purchase.
    function rate(uint256 purchaseId, uint8 score) external;

    /// @notice Posts a batch of execution statistics and the Merkle root of their receipts.
    /// Only accounts with the attester role may.
    function attest(uint256 listingId, uint64 runs, uint64 successes, uint32 p50LatencyMs, uint32 p99LatencyMs, bytes32 receiptsRoot)
        external
        returns (uint256 batch);

    /// @notice Number of ratings, their sum and the average × 100 (0 when unrated).
    function ratingOf(uint256 listingId) external view returns (uint64 count, uint64 sum, uint256 averageX100);

    /// @notice Cumulative attested runs and successes, the number of batches and the last root.
    function statsOf(uint256 listingId) external view returns (uint64 runs, uint64 successes, uint64 batches, bytes32 lastRoot);

    /// @notice The 1-based batch number under which `root` was attested for a listing, or 0.
    function batchOfRoot(uint256 listingId, bytes32 root) external view returns (uint256);

    /// @notice Whether a purchase has been rated.
    function hasRated(uint256 purchaseId) external view returns (bool);
}
