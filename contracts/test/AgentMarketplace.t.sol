// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {AgentMarketplace} from "../src/AgentMarketplace.sol";
import {IAgentMarketplace} from "../src/interfaces/IAgentMarketplace.sol";
import {BaseTest} from "./utils/BaseTest.sol";
import {ReentrantPayee, RejectingPayee} from "./mocks/Attackers.sol";
import {FeeOnTransferToken, MockERC20} from "./mocks/Tokens.sol";

contract AgentMarketplaceTest is BaseTest {
    event Purchased(uint256 indexed purchaseId, uint256 indexed listingId, address indexed buyer, uint256 runs, uint256 amount, address token);
    event Withdrawn(address indexed account, address indexed token, uint256 amount);

    AgentMarketplace internal market;
    MockERC20 internal usd;
    address internal owner = makeAddr("owner");
    address internal platform = makeAddr("platform");
    address internal creator = makeAddr("creator");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal buyer = makeAddr("buyer");

    uint16 internal constant FEE = 500; // 5%
    uint256 internal constant PRICE = 1e15;

    function setUp() public {
        market = new AgentMarketplace(owner, platform, FEE);
        usd = new MockERC20();
        vm.deal(buyer, 1_000 ether);
    }

    function _payees2() internal view returns (IAgentMarketplace.Payee[] memory payees) {
        payees = new IAgentMarketplace.Payee[](2);
        payees[0] = IAgentMarketplace.Payee(alice, 7_000);
        payees[1] = IAgentMarketplace.Payee(bob, 3_000);
    }

    function _one(address account) internal pure returns (IAgentMarketplace.Payee[] memory payees) {
        payees = new IAgentMarketplace.Payee[](1);
        payees[0] = IAgentMarketplace.Payee(account, 10_000);
    }

    function _list(address token, uint256 price) internal returns (uint256) {
        vm.prank(creator);
        return market.registerListing(token, price, _payees2());
    }

    // ── constructor and settings ────────────────────────────────────────────

    function test_constructor_setsFeeAndRecipient() public view {
        assertEq(market.feeBps(), FEE, "fee");
        assertEq(market.feeRecipient(), platform, "recipient");
        assertEq(market.owner(), owner, "owner");
    }

    function test_constructor_revertsOnZeroRecipientOrHighFee() public {
        vm.expectRevert(IAgentMarketplace.InvalidAddress.selector);
        new AgentMarketplace(owner, address(0), FEE);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.FeeTooHigh.selector, uint16(1_001), uint16(1_000)));
        new AgentMarketplace(owner, platform, 1_001);
    }

    function test_setFeeBps_onlyOwnerAndCapped() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        market.setFeeBps(100);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.FeeTooHigh.selector, uint16(2_000), uint16(1_000)));
        market.setFeeBps(2_000);
        vm.prank(owner);
        market.setFeeBps(1_000);
        assertEq(market.feeBps(), 1_000, "fee updated");
    }

    function test_setFeeRecipient_onlyOwnerAndNonZero() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        market.setFeeRecipient(alice);
        vm.prank(owner);
        vm.expectRevert(IAgentMarketplace.InvalidAddress.selector);
        market.setFeeRecipient(address(0));
        vm.prank(owner);
        market.setFeeRecipient(bob);
        assertEq(market.feeRecipient(), bob, "recipient updated");
    }

    // ── listings ────────────────────────────────────────────────────────────

    function test_registerListing_storesListing() public {
        uint256 id = _list(address(0), PRICE);
        assertEq(id, 1, "first id");
        (address c, address token, uint256 price, bool active, IAgentMarketplace.Payee[] memory payees) = market.getListing(id);
        assertEq(c, creator, "creator");
        assertEq(token, address(0), "token");
        assertEq(price, PRICE, "price");
        assertTrue(active, "active");
        assertEq(payees.length, 2, "payees");
        assertEq(payees[1].account, bob, "payee 1");
        assertEq(_list(address(usd), PRICE), 2, "second id");
    }

    function test_registerListing_revertsOnBadPayees() public {
        IAgentMarketplace.Payee[] memory none = new IAgentMarketplace.Payee[](0);
        IAgentMarketplace.Payee[] memory short = _payees2();
        short[1].shareBps = 2_999;
        IAgentMarketplace.Payee[] memory zeroShare = new IAgentMarketplace.Payee[](2);
        zeroShare[0] = IAgentMarketplace.Payee(alice, 10_000);
        zeroShare[1] = IAgentMarketplace.Payee(bob, 0);
        IAgentMarketplace.Payee[] memory zeroAddress = _one(address(0));
        IAgentMarketplace.Payee[] memory duplicate = _payees2();
        duplicate[1].account = alice;
        IAgentMarketplace.Payee[] memory tooMany = new IAgentMarketplace.Payee[](11);
        for (uint256 i; i < 11; ++i) tooMany[i] = IAgentMarketplace.Payee(address(uint160(100 + i)), i == 0 ? 10_000 - 10 * 90 : 90);

        IAgentMarketplace.Payee[][6] memory cases = [none, short, zeroShare, zeroAddress, duplicate, tooMany];
        for (uint256 i; i < cases.length; ++i) {
            vm.prank(creator);
            vm.expectRevert(IAgentMarketplace.InvalidPayees.selector);
            market.registerListing(address(0), PRICE, cases[i]);
        }
    }

    function test_registerListing_revertsOnBadPrice() public {
        vm.startPrank(creator);
        vm.expectRevert(IAgentMarketplace.InvalidPrice.selector);
        market.registerListing(address(0), 0, _payees2());
        vm.expectRevert(IAgentMarketplace.InvalidPrice.selector);
        market.registerListing(address(0), uint256(type(uint80).max) + 1, _payees2());
        vm.stopPrank();
    }

    function test_updateListing_changesPricePayeesAndActive() public {
        uint256 id = _list(address(0), PRICE);
        vm.prank(creator);
        market.updateListing(id, 2 * PRICE, _one(bob), false);
        (, , uint256 price, bool active, IAgentMarketplace.Payee[] memory payees) = market.getListing(id);
        assertEq(price, 2 * PRICE, "price");
        assertTrue(!active, "inactive");
        assertEq(payees.length, 1, "payees shrunk");
        assertEq(payees[0].account, bob, "new payee");
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.ListingInactive.selector, id));
        market.purchase{value: 2 * PRICE}(id, 1, type(uint256).max);
    }

    function test_updateListing_revertsForOthersAndUnknown() public {
        uint256 id = _list(address(0), PRICE);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.NotListingCreator.selector, id, alice));
        market.updateListing(id, PRICE, _payees2(), true);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.ListingNotFound.selector, 99));
        market.updateListing(99, PRICE, _payees2(), true);
    }

    function test_getListing_revertsForUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.ListingNotFound.selector, 7));
        market.getListing(7);
    }

    // ── purchases ───────────────────────────────────────────────────────────

    function test_purchase_native_splitsFeeAndShares() public {
        uint256 id = _list(address(0), PRICE);
        vm.expectEmit(true, true, true, true);
        emit Purchased(1, id, buyer, 10, 10 * PRICE, address(0));
        vm.prank(buyer);
        uint256 purchaseId = market.purchase{value: 10 * PRICE}(id, 10, type(uint256).max);
        uint256 amount = 10 * PRICE;
        uint256 fee = (amount * FEE) / 10_000;
        assertEq(purchaseId, 1, "purchase id");
        assertEq(market.balanceOf(address(0), platform), fee, "fee");
        assertEq(market.balanceOf(address(0), bob), ((amount - fee) * 3_000) / 10_000, "bob");
        assertEq(
            market.balanceOf(address(0), alice) + market.balanceOf(address(0), bob) + fee,
            amount,
            "parts sum to the amount"
        );
        (address b, uint256 listing, uint256 runs) = market.purchaseOf(purchaseId);
        assertEq(b, buyer, "buyer recorded");
        assertEq(listing, id, "listing recorded");
        assertEq(runs, 10, "runs recorded");
        assertEq(address(market).balance, amount, "held");
    }

    function test_purchase_roundingDustGoesToFirstPayee() public {
        IAgentMarketplace.Payee[] memory payees = new IAgentMarketplace.Payee[](3);
        payees[0] = IAgentMarketplace.Payee(alice, 3_334);
        payees[1] = IAgentMarketplace.Payee(bob, 3_333);
        payees[2] = IAgentMarketplace.Payee(creator, 3_333);
        vm.prank(creator);
        uint256 id = market.registerListing(address(0), 7, payees);
        vm.prank(buyer);
        market.purchase{value: 7}(id, 1, type(uint256).max);
        // fee = 7*500/10000 = 0; bob and creator get floor(7*3333/10000) = 2 each; alice 3.
        assertEq(market.balanceOf(address(0), bob), 2, "bob");
        assertEq(market.balanceOf(address(0), creator), 2, "creator");
        assertEq(market.balanceOf(address(0), alice), 3, "alice takes the dust");
    }

    function test_purchase_revertsOnWrongPayment() public {
        uint256 id = _list(address(0), PRICE);
        vm.startPrank(buyer);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.WrongPayment.selector, 2 * PRICE, 2 * PRICE - 1));
        market.purchase{value: 2 * PRICE - 1}(id, 2, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.WrongPayment.selector, 2 * PRICE, 2 * PRICE + 1));
        market.purchase{value: 2 * PRICE + 1}(id, 2, type(uint256).max);
        vm.stopPrank();
    }

    function test_purchase_revertsOnBadRunsOrListing() public {
        uint256 id = _list(address(0), PRICE);
        vm.startPrank(buyer);
        vm.expectRevert(IAgentMarketplace.InvalidRuns.selector);
        market.purchase(id, 0, type(uint256).max);
        vm.expectRevert(IAgentMarketplace.InvalidRuns.selector);
        market.purchase(id, uint256(type(uint32).max) + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.ListingNotFound.selector, 42));
        market.purchase(42, 1, type(uint256).max);
        vm.stopPrank();
    }

    function test_purchase_erc20_pullsExactAmount() public {
        uint256 id = _list(address(usd), PRICE);
        usd.mint(buyer, 100 * PRICE);
        vm.startPrank(buyer);
        usd.approve(address(market), 3 * PRICE);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.WrongPayment.selector, 0, 1));
        market.purchase{value: 1}(id, 3, type(uint256).max);
        market.purchase(id, 3, type(uint256).max);
        vm.stopPrank();
        assertEq(usd.balanceOf(address(market)), 3 * PRICE, "held");
        assertEq(usd.balanceOf(buyer), 97 * PRICE, "paid");
        assertEq(market.balanceOf(address(usd), alice) + market.balanceOf(address(usd), bob) + market.balanceOf(address(usd), platform), 3 * PRICE, "split");
    }

    function test_purchase_revertsAboveTheAgreedMaximum() public {
        uint256 id = _list(address(0), PRICE);
        // The creator raises the price while the buyer's purchase (agreed at 3 × PRICE) is pending.
        vm.prank(creator);
        market.updateListing(id, 2 * PRICE, _one(creator), true);
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.PriceAboveMaximum.selector, 6 * PRICE, 3 * PRICE));
        market.purchase{value: 6 * PRICE}(id, 3, 3 * PRICE);
        vm.prank(buyer);
        market.purchase{value: 6 * PRICE}(id, 3, 6 * PRICE);
        assertEq(market.purchaseCount(), 1, "only the purchase within the maximum");
    }

    function testFuzz_purchase_neverChargesAboveMaxTotal(uint80 price, uint32 runs, uint256 maxTotal) public {
        price = uint80(bound(price, 1, 1e24));
        runs = uint32(bound(runs, 1, 1_000));
        uint256 amount = uint256(price) * runs;
        uint256 id = _list(address(0), price);
        vm.deal(buyer, amount);
        vm.prank(buyer);
        if (amount > maxTotal) {
            vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.PriceAboveMaximum.selector, amount, maxTotal));
            market.purchase{value: amount}(id, runs, maxTotal);
            assertEq(buyer.balance, amount, "nothing taken");
        } else {
            market.purchase{value: amount}(id, runs, maxTotal);
            assertEq(buyer.balance, 0, "paid exactly the price");
        }
    }

    function test_pause_stopsPurchasesAndListingsButNotWithdrawals() public {
        uint256 id = _list(address(0), PRICE);
        vm.prank(buyer);
        market.purchase{value: PRICE}(id, 1, PRICE);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        market.setPaused(true);
        vm.prank(owner);
        market.setPaused(true);
        assertTrue(market.paused(), "paused");
        vm.prank(buyer);
        vm.expectRevert(IAgentMarketplace.MarketplacePaused.selector);
        market.purchase{value: PRICE}(id, 1, PRICE);
        vm.prank(creator);
        vm.expectRevert(IAgentMarketplace.MarketplacePaused.selector);
        market.registerListing(address(0), PRICE, _one(creator));
        vm.prank(creator);
        vm.expectRevert(IAgentMarketplace.MarketplacePaused.selector);
        market.updateListing(id, PRICE, _one(creator), false);
        // Money already earned can always leave.
        uint256 owed = market.balanceOf(address(0), alice);
        assertTrue(owed > 0, "alice earned");
        vm.prank(alice);
        assertEq(market.withdraw(address(0)), owed, "withdrawn while paused");
        vm.prank(owner);
        market.setPaused(false);
        vm.prank(buyer);
        market.purchase{value: PRICE}(id, 1, PRICE);
        assertEq(market.purchaseCount(), 2, "resumed");
    }

    function test_setListingSuspended_stopsPurchasesUntilLiftedAndKeepsTheCreatorsChoice() public {
        uint256 id = _list(address(0), PRICE);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        market.setListingSuspended(id, true);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.ListingNotFound.selector, 99));
        market.setListingSuspended(99, true);

        vm.prank(owner);
        vm.expectEmit(true, false, false, true);
        emit IAgentMarketplace.ListingSuspended(id, true);
        market.setListingSuspended(id, true);
        assertTrue(market.listingSuspended(id), "suspended");
        (, , , bool active, ) = market.getListing(id);
        assertTrue(!active, "not for sale");
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.ListingInactive.selector, id));
        market.purchase{value: PRICE}(id, 1, PRICE);
        // The creator may change price and payees, but cannot put it back on sale.
        vm.prank(creator);
        market.updateListing(id, 2 * PRICE, _one(creator), true);
        (, , uint256 price, bool stillInactive, ) = market.getListing(id);
        assertEq(price, 2 * PRICE, "price changed");
        assertTrue(!stillInactive, "still not for sale");
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.ListingInactive.selector, id));
        market.purchase{value: 2 * PRICE}(id, 1, 2 * PRICE);

        // Lifted: as the creator last set it (on sale).
        vm.prank(owner);
        market.setListingSuspended(id, false);
        assertTrue(!market.listingSuspended(id), "lifted");
        vm.prank(buyer);
        market.purchase{value: 2 * PRICE}(id, 1, 2 * PRICE);

        // Suspended while the creator had paused it, then the creator pauses it again: lifted, it stays paused.
        vm.prank(creator);
        market.updateListing(id, PRICE, _one(creator), false);
        vm.prank(owner);
        market.setListingSuspended(id, true);
        vm.prank(owner);
        market.setListingSuspended(id, true); // already: nothing changes
        vm.prank(owner);
        market.setListingSuspended(id, false);
        (, , , bool pausedByCreator, ) = market.getListing(id);
        assertTrue(!pausedByCreator, "the creator's pause stands");
    }

    function test_purchase_refusesFeeOnTransferToken() public {
        FeeOnTransferToken taxed = new FeeOnTransferToken();
        uint256 id = _list(address(taxed), PRICE);
        taxed.mint(buyer, 10 * PRICE);
        vm.startPrank(buyer);
        taxed.approve(address(market), PRICE);
        vm.expectRevert(abi.encodeWithSelector(IAgentMarketplace.FeeOnTransferToken.selector, address(taxed), PRICE, PRICE - PRICE / 100));
        market.purchase(id, 1, type(uint256).max);
        vm.stopPrank();
        assertEq(market.balanceOf(address(taxed), alice), 0, "nothing credited");
    }

    // ── withdrawals ─────────────────────────────────────────────────────────

    function test_withdraw_paysBalanceOnce() public {
        uint256 id = _list(address(0), PRICE);
        vm.prank(buyer);
        market.purchase{value: 4 * PRICE}(id, 4, type(uint256).max);
        uint256 owed = market.balanceOf(address(0), alice);
        uint256 before = alice.balance;
        vm.expectEmit(true, true, false, true);
        emit Withdrawn(alice, address(0), owed);
        vm.prank(alice);
        assertEq(market.withdraw(address(0)), owed, "returned");
        assertEq(alice.balance - before, owed, "paid");
        assertEq(market.balanceOf(address(0), alice), 0, "cleared");
        vm.prank(alice);
        vm.expectRevert(IAgentMarketplace.NothingToWithdraw.selector);
        market.withdraw(address(0));
    }

    function test_withdraw_erc20() public {
        uint256 id = _list(address(usd), PRICE);
        usd.mint(buyer, PRICE);
        vm.startPrank(buyer);
        usd.approve(address(market), PRICE);
        market.purchase(id, 1, type(uint256).max);
        vm.stopPrank();
        uint256 owed = market.balanceOf(address(usd), bob);
        vm.prank(bob);
        market.withdraw(address(usd));
        assertEq(usd.balanceOf(bob), owed, "bob paid");
    }

    function test_withdraw_reentrantPayeeCannotTakeTwice() public {
        ReentrantPayee attacker = new ReentrantPayee(market);
        vm.prank(creator);
        uint256 id = market.registerListing(address(0), PRICE, _one(address(attacker)));
        attacker.setListing(id);
        vm.prank(buyer);
        market.purchase{value: 10 * PRICE}(id, 10, type(uint256).max);
        uint256 owed = market.balanceOf(address(0), address(attacker));
        attacker.withdraw();
        assertEq(address(attacker).balance, owed, "paid exactly once");
        assertEq(attacker.reentryAttempts(), 1, "re-entry was attempted");
        assertTrue(!attacker.reentrySucceeded(), "re-entry failed");
        assertEq(address(market).balance, market.balanceOf(address(0), platform), "only the fee remains");
    }

    function test_withdraw_revertsWhenPayeeRejectsAndKeepsBalance() public {
        RejectingPayee payee = new RejectingPayee();
        vm.prank(creator);
        uint256 id = market.registerListing(address(0), PRICE, _one(address(payee)));
        vm.prank(buyer);
        market.purchase{value: PRICE}(id, 1, type(uint256).max);
        uint256 owed = market.balanceOf(address(0), address(payee));
        vm.expectRevert(IAgentMarketplace.TransferFailed.selector);
        payee.withdraw(market);
        assertEq(market.balanceOf(address(0), address(payee)), owed, "balance kept");
    }

    // ── fuzz ────────────────────────────────────────────────────────────────

    function testFuzz_purchase_partsSumExactly(uint80 price, uint32 runs, uint16 shareA, uint16 fee) public {
        price = uint80(bound(price, 1, 1e24));
        runs = uint32(bound(runs, 1, 10_000));
        shareA = uint16(bound(shareA, 1, 9_999));
        fee = uint16(bound(fee, 0, 1_000));
        vm.prank(owner);
        market.setFeeBps(fee);
        IAgentMarketplace.Payee[] memory payees = new IAgentMarketplace.Payee[](2);
        payees[0] = IAgentMarketplace.Payee(alice, shareA);
        payees[1] = IAgentMarketplace.Payee(bob, 10_000 - shareA);
        vm.prank(creator);
        uint256 id = market.registerListing(address(0), price, payees);
        uint256 amount = uint256(price) * runs;
        vm.deal(buyer, amount);
        vm.prank(buyer);
        market.purchase{value: amount}(id, runs, type(uint256).max);
        uint256 feePart = market.balanceOf(address(0), platform);
        assertEq(feePart, (amount * fee) / 10_000, "fee exact");
        assertEq(feePart + market.balanceOf(address(0), alice) + market.balanceOf(address(0), bob), amount, "sum exact");
        assertLe(market.balanceOf(address(0), bob), ((amount - feePart) * (10_000 - shareA)) / 10_000, "bob never over-credited");
    }

    function testFuzz_purchase_manyPayeesSumExactly(uint256 seed, uint8 count, uint80 price) public {
        count = uint8(bound(count, 1, 10));
        price = uint80(bound(price, 1, 1e21));
        IAgentMarketplace.Payee[] memory payees = new IAgentMarketplace.Payee[](count);
        uint256 left = 10_000;
        for (uint256 i; i < count; ++i) {
            uint256 share = i == count - 1 ? left : bound(uint256(keccak256(abi.encode(seed, i))), 1, left - (count - 1 - i));
            left -= share;
            payees[i] = IAgentMarketplace.Payee(address(uint160(1_000 + i)), uint16(share));
        }
        vm.prank(creator);
        uint256 id = market.registerListing(address(0), price, payees);
        vm.prank(buyer);
        market.purchase{value: price}(id, 1, type(uint256).max);
        uint256 sum = market.balanceOf(address(0), platform);
        for (uint256 i; i < count; ++i) sum += market.balanceOf(address(0), payees[i].account);
        assertEq(sum, price, "sum exact");
    }
}
