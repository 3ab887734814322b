// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {AgentMarketplace} from "../src/AgentMarketplace.sol";
import {AgentReputation} from "../src/AgentReputation.sol";
import {IAgentMarketplace} from "../src/interfaces/IAgentMarketplace.sol";
import {IAgentReputation} from "../src/interfaces/IAgentReputation.sol";
import {BaseTest} from "./utils/BaseTest.sol";

contract AgentReputationTest is BaseTest {
    event Rated(uint256 indexed listingId, uint256 indexed purchaseId, address indexed buyer, uint8 score);

    AgentMarketplace internal market;
    AgentReputation internal reputation;
    address internal admin = makeAddr("admin");
    address internal attester = makeAddr("attester");
    address internal creator = makeAddr("creator");
    address internal buyer = makeAddr("buyer");
    address internal stranger = makeAddr("stranger");
    uint256 internal listingId;

    function setUp() public {
        market = new AgentMarketplace(admin, admin, 500);
        reputation = new AgentReputation(market, admin, attester);
        IAgentMarketplace.Payee[] memory payees = new IAgentMarketplace.Payee[](1);
        payees[0] = IAgentMarketplace.Payee(creator, 10_000);
        vm.prank(creator);
        listingId = market.registerListing(address(0), 1e15, payees);
        vm.deal(buyer, 10 ether);
        vm.deal(stranger, 10 ether);
    }

    function _buy(address who) internal returns (uint256) {
        vm.prank(who);
        return market.purchase{value: 1e15}(listingId, 1, type(uint256).max);
    }

    function test_rate_byBuyerCountsOnce() public {
        uint256 purchaseId = _buy(buyer);
        vm.expectEmit(true, true, true, true);
        emit Rated(listingId, purchaseId, buyer, 4);
        vm.prank(buyer);
        reputation.rate(purchaseId, 4);
        (uint64 count, uint64 sum, uint256 avg) = reputation.ratingOf(listingId);
        assertEq(count, 1, "count");
        assertEq(sum, 4, "sum");
        assertEq(avg, 400, "average x100");
        assertTrue(reputation.hasRated(purchaseId), "marked");
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(IAgentReputation.AlreadyRated.selector, purchaseId));
        reputation.rate(purchaseId, 5);
    }

    function test_rate_eachPurchaseRatesOnce() public {
        uint256 first = _buy(buyer);
        uint256 second = _buy(buyer);
        vm.startPrank(buyer);
        reputation.rate(first, 5);
        reputation.rate(second, 2);
        vm.stopPrank();
        (uint64 count,, uint256 avg) = reputation.ratingOf(listingId);
        assertEq(count, 2, "two purchases, two ratings");
        assertEq(avg, 350, "average");
    }

    function test_rate_revertsForNonBuyer() public {
        uint256 purchaseId = _buy(buyer);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAgentReputation.NotPurchaseBuyer.selector, purchaseId, stranger));
        reputation.rate(purchaseId, 1);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IAgentReputation.NotPurchaseBuyer.selector, purchaseId, creator));
        reputation.rate(purchaseId, 5);
    }

    function test_rate_revertsForUnknownPurchase() public {
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(IAgentReputation.NotPurchaseBuyer.selector, 77, buyer));
        reputation.rate(77, 3);
    }

    function test_rate_revertsOnScoreOutOfRange() public {
        uint256 purchaseId = _buy(buyer);
        vm.startPrank(buyer);
        vm.expectRevert(abi.encodeWithSelector(IAgentReputation.InvalidScore.selector, uint8(0)));
        reputation.rate(purchaseId, 0);
        vm.expectRevert(abi.encodeWithSelector(IAgentReputation.InvalidScore.selector, uint8(6)));
        reputation.rate(purchaseId, 6);
        vm.stopPrank();
    }

    function test_ratingOf_unratedIsZero() public view {
        (uint64 count, uint64 sum, uint256 avg) = reputation.ratingOf(listingId);
        assertEq(count + sum + avg, 0, "zero");
    }

    function test_attest_accumulatesStatsAndRoots() public {
        vm.startPrank(attester);
        assertEq(reputation.attest(listingId, 10, 9, 120, 900, keccak256("root-1")), 1, "batch 1");
        assertEq(reputation.attest(listingId, 5, 5, 100, 300, keccak256("root-2")), 2, "batch 2");
        vm.stopPrank();
        (uint64 runs, uint64 successes, uint64 batches, bytes32 lastRoot) = reputation.statsOf(listingId);
        assertEq(runs, 15, "runs");
        assertEq(successes, 14, "successes");
        assertEq(batches, 2, "batches");
        assertEq(lastRoot, keccak256("root-2"), "last root");
        assertEq(reputation.batchOfRoot(listingId, keccak256("root-1")), 1, "root 1 findable");
        assertEq(reputation.batchOfRoot(listingId, keccak256("nope")), 0, "unknown root");
    }

    function test_attest_onlyAttester() public {
        bytes32 role = reputation.ATTESTER_ROLE();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role));
        reputation.attest(listingId, 1, 1, 1, 1, keccak256("r"));
    }

    function test_attest_revertsOnInvalidBatch() public {
        vm.startPrank(attester);
        vm.expectRevert(IAgentReputation.InvalidBatch.selector);
        reputation.attest(listingId, 0, 0, 1, 1, keccak256("r"));
        vm.expectRevert(IAgentReputation.InvalidBatch.selector);
        reputation.attest(listingId, 1, 2, 1, 1, keccak256("r"));
        vm.expectRevert(IAgentReputation.InvalidBatch.selector);
        reputation.attest(listingId, 1, 1, 1, 1, bytes32(0));
        vm.expectRevert(IAgentReputation.InvalidBatch.selector);
        reputation.attest(listingId, 1, 1, 10, 5, keccak256("r"));
        reputation.attest(listingId, 1, 1, 1, 1, keccak256("r"));
        vm.expectRevert(IAgentReputation.InvalidBatch.selector);
        reputation.attest(listingId, 1, 1, 1, 1, keccak256("r"));
        vm.stopPrank();
    }

    function test_admin_canGrantAttester() public {
        bytes32 role = reputation.ATTESTER_ROLE();
        vm.prank(admin);
        reputation.grantRole(role, stranger);
        vm.prank(stranger);
        reputation.attest(listingId, 1, 1, 1, 1, keccak256("s"));
    }

    function testFuzz_rate_averageMatchesScores(uint8[20] memory scores, uint8 n) public {
        n = uint8(bound(n, 1, 20));
        uint256 sum;
        for (uint256 i; i < n; ++i) {
            uint8 score = uint8(bound(scores[i], 1, 5));
            uint256 purchaseId = _buy(buyer);
            vm.prank(buyer);
            reputation.rate(purchaseId, score);
            sum += score;
        }
        (uint64 count, uint64 total, uint256 avg) = reputation.ratingOf(listingId);
        assertEq(count, n, "count");
        assertEq(total, sum, "sum");
        assertEq(avg, (sum * 100) / n, "average");
    }

    function testFuzz_hasRated_bitmapIsolatesPurchases(uint256 a, uint256 b) public {
        a = bound(a, 1, 600);
        b = bound(b, 1, 600);
        for (uint256 i = 0; i < (a > b ? a : b); ++i) _buy(buyer);
        vm.prank(buyer);
        reputation.rate(a, 3);
        assertTrue(reputation.hasRated(a), "a rated");
        assertTrue(a == b || !reputation.hasRated(b), "b untouched");
    }
}
