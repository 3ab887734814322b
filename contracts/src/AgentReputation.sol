// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAgentMarketplace} from "./interfaces/IAgentMarketplace.sol";
import {IAgentReputation} from "./interfaces/IAgentReputation.sol";

/// @title AgentReputation
/// @notice See {IAgentReputation}. Who bought what is read from the marketplace, so no one
/// can rate without having paid; a bitmap records which purchases have rated.
contract AgentReputation is IAgentReputation, AccessControl {
    bytes32 public constant ATTESTER_ROLE = keccak256("ATTESTER_ROLE");

    IAgentMarketplace public immutable marketplace;

    struct Rating {
        uint64 count;
        uint64 sum;
    }

    struct Stats {
        uint64 runs;
        uint64 successes;
        uint64 batches;
    }

    mapping(uint256 listingId => Rating) internal _ratings;
    mapping(uint256 word => uint256 bits) internal _rated;
    mapping(uint256 listingId => Stats) internal _stats;
    mapping(uint256 listingId => bytes32) internal _lastRoot;
    mapping(uint256 listingId => mapping(bytes32 root => uint256 batch)) public override batchOfRoot;

    constructor(IAgentMarketplace marketplace_, address admin, address attester) {
        marketplace = marketplace_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ATTESTER_ROLE, attester);
    }

    /// @inheritdoc IAgentReputation
    function rate(uint256 purchaseId, uint8 score) external {
        if (score < 1 || score > 5) revert InvalidScore(score);
        (address buyer, uint256 listingId,) = marketplace.purchaseOf(purchaseId);
        if (buyer == address(0) || buyer != msg.sender) revert NotPurchaseBuyer(purchaseId, msg.sender);
        uint256 word = purchaseId >> 8;
        // forge-lint: disable-next-line(incorrect-shift) -- bit number (purchaseId mod 256) in the word
        uint256 bit = 1 << (purchaseId & 0xff);
        uint256 bits = _rated[word];
        if (bits & bit != 0) revert AlreadyRated(purchaseId);
        _rated[word] = bits | bit;
        Rating storage rating = _ratings[listingId];
        rating.count += 1;
        rating.sum += score;
        emit Rated(listingId, purchaseId, msg.sender, score);
    }

    /// @inheritdoc IAgentReputation
    function attest(uint256 listingId, uint64 runs, uint64 successes, uint32 p50LatencyMs, uint32 p99LatencyMs, bytes32 receiptsRoot)
        external
        onlyRole(ATTESTER_ROLE)
        returns (uint256 batch)
    {
        if (runs == 0 || successes > runs || receiptsRoot == bytes32(0) || p50LatencyMs > p99LatencyMs) revert InvalidBatch();
        if (batchOfRoot[listingId][receiptsRoot] != 0) revert InvalidBatch();
        Stats storage stats = _stats[listingId];
        stats.runs += runs;
        stats.successes += successes;
        batch = ++stats.batches;
        _lastRoot[listingId] = receiptsRoot;
        batchOfRoot[listingId][receiptsRoot] = batch;
        emit Attested(listingId, batch, receiptsRoot, runs, successes, p50LatencyMs, p99LatencyMs);
    }

    /// @inheritdoc IAgentReputation
    function ratingOf(uint256 listingId) external view returns (uint64 count, uint64 sum, uint256 averageX100) {
        Rating memory rating = _ratings[listingId];
        averageX100 = rating.count == 0 ? 0 : (uint256(rating.sum) * 100) / rating.count;
        return (rating.count, rating.sum, averageX100);
    }

    /// @inheritdoc IAgentReputation
    function statsOf(uint256 listingId) external view returns (uint64 runs, uint64 successes, uint64 batches, bytes32 lastRoot) {
        Stats memory stats = _stats[listingId];
        return (stats.runs, stats.successes, stats.batches, _lastRoot[listingId]);
    }

    /// @inheritdoc IAgentReputation
    function hasRated(uint256 purchaseId) external view returns (bool) {
        // forge-lint: disable-next-line(incorrect-shift) -- bit number (purchaseId mod 256) in the word
        return _rated[purchaseId >> 8] & (1 << (purchaseId & 0xff)) != 0;
    }
}
