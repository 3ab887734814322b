// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IAgentMarketplace} from "./interfaces/IAgentMarketplace.sol";

/// @title AgentMarketplace
/// @notice See {IAgentMarketplace}. Storage is packed so that a repeat purchase touches
/// few slots: the fee settings share a slot with the purchase counter, a listing is two
/// slots plus one per payee, and a purchase record is one slot.
contract AgentMarketplace is IAgentMarketplace, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 public constant MAX_PAYEES = 10;
    uint16 public constant MAX_FEE_BPS = 1_000;
    uint16 internal constant BPS = 10_000;

    /// @dev Slot 0 holds everything a purchase reads; the creator (slot 1) is only read
    /// when the listing changes.
    struct Listing {
        // slot 0
        address token;
        uint80 pricePerRun;
        uint8 payeeCount;
        bool active;
        // slot 1
        address creator;
        /// @dev Suspended by the owner: `active` is false and stays so; what the creator
        /// last chose is kept in `activeAfterSuspension` and applies once it is lifted.
        bool suspended;
        bool activeAfterSuspension;
    }

    struct Purchase {
        address buyer;
        uint64 listingId;
        uint32 runs;
    }

    // One slot: read and written once per purchase (the pause flag costs no extra read).
    address public feeRecipient;
    uint16 public feeBps;
    uint64 public purchaseCount;
    /// @notice Whether purchases and listing changes are stopped (owner only); withdrawals never are.
    bool public paused;

    uint64 public listingCount;

    mapping(uint256 listingId => Listing) internal _listings;
    mapping(uint256 listingId => mapping(uint256 index => Payee)) internal _payees;
    mapping(uint256 purchaseId => Purchase) internal _purchases;
    mapping(address token => mapping(address account => uint256)) public override balanceOf;

    constructor(address initialOwner, address initialFeeRecipient, uint16 initialFeeBps) Ownable(initialOwner) {
        if (initialFeeRecipient == address(0)) revert InvalidAddress();
        if (initialFeeBps > MAX_FEE_BPS) revert FeeTooHigh(initialFeeBps, MAX_FEE_BPS);
        feeRecipient = initialFeeRecipient;
        feeBps = initialFeeBps;
        emit FeeRecipientUpdated(initialFeeRecipient);
        emit FeeUpdated(initialFeeBps);
    }

    // ── listings ────────────────────────────────────────────────────────────

    /// @inheritdoc IAgentMarketplace
    function registerListing(address token, uint256 pricePerRun, Payee[] calldata payees) external returns (uint256 listingId) {
        if (paused) revert MarketplacePaused();
        _checkPrice(pricePerRun);
        listingId = ++listingCount;
        // forge-lint: disable-next-item(unsafe-typecast) -- price checked by _checkPrice, count by _storePayees
        _listings[listingId] = Listing({
            token: token,
            pricePerRun: uint80(pricePerRun),
            creator: msg.sender,
            payeeCount: uint8(payees.length),
            active: true,
            suspended: false,
            activeAfterSuspension: false
        });
        _storePayees(listingId, payees);
        emit ListingRegistered(listingId, msg.sender, token, pricePerRun, payees);
    }

    /// @inheritdoc IAgentMarketplace
    function updateListing(uint256 listingId, uint256 pricePerRun, Payee[] calldata payees, bool active) external {
        if (paused) revert MarketplacePaused();
        Listing storage listing = _listings[listingId];
        if (listing.creator == address(0)) revert ListingNotFound(listingId);
        if (listing.creator != msg.sender) revert NotListingCreator(listingId, msg.sender);
        _checkPrice(pricePerRun);
        uint256 previous = listing.payeeCount;
        for (uint256 i = payees.length; i < previous; ++i) delete _payees[listingId][i];
        // forge-lint: disable-next-line(unsafe-typecast) -- checked by _checkPrice
        listing.pricePerRun = uint80(pricePerRun);
        // forge-lint: disable-next-line(unsafe-typecast) -- at most MAX_PAYEES, checked by _storePayees
        listing.payeeCount = uint8(payees.length);
        // While the owner suspends it, the creator's choice waits for the suspension to end.
        if (listing.suspended) listing.activeAfterSuspension = active;
        else listing.active = active;
        _storePayees(listingId, payees);
        emit ListingUpdated(listingId, pricePerRun, payees, active);
    }

    /// @notice A listing's settings and payees.
    function getListing(uint256 listingId)
        external
        view
        returns (address creator, address token, uint256 pricePerRun, bool active, Payee[] memory payees)
    {
        Listing storage listing = _listings[listingId];
        if (listing.creator == address(0)) revert ListingNotFound(listingId);
        payees = new Payee[](listing.payeeCount);
        for (uint256 i; i < payees.length; ++i) payees[i] = _payees[listingId][i];
        return (listing.creator, listing.token, listing.pricePerRun, listing.active, payees);
    }

    // ── purchases ───────────────────────────────────────────────────────────

    /// @inheritdoc IAgentMarketplace
    function purchase(uint256 listingId, uint256 runs, uint256 maxTotal)
        external
        payable
        nonReentrant
        returns (uint256 purchaseId)
    {
        if (paused) revert MarketplacePaused();
        Listing storage stored = _listings[listingId];
        // One SLOAD: every listing has at least one payee, so a zero count means none.
        (address token, uint256 pricePerRun, uint256 payeeCount, bool active) =
            (stored.token, stored.pricePerRun, stored.payeeCount, stored.active);
        if (payeeCount == 0) revert ListingNotFound(listingId);
        if (!active) revert ListingInactive(listingId);
        if (runs == 0 || runs > type(uint32).max) revert InvalidRuns();
        uint256 amount = pricePerRun * runs;
        if (amount > maxTotal) revert PriceAboveMaximum(amount, maxTotal);

        // Effects first: the purchase and every balance are recorded before any token
        // moves (checks-effects-interactions; the transferFrom below is the only call).
        purchaseId = ++purchaseCount;
        // forge-lint: disable-next-line(unsafe-typecast) -- listing ids fit 64 bits (listingCount); runs checked above
        _purchases[purchaseId] = Purchase({buyer: msg.sender, listingId: uint64(listingId), runs: uint32(runs)});
        _split(listingId, token, payeeCount, amount);
        _collect(token, amount);
        emit Purchased(purchaseId, listingId, msg.sender, runs, amount, token);
    }

    /// @dev Credits the platform fee and each payee's share of `amount`. Payee 0 is
    /// credited last and takes the rounding dust, so the parts always sum to `amount`.
    function _split(uint256 listingId, address token, uint256 payeeCount, uint256 amount) internal {
        mapping(address => uint256) storage balances = balanceOf[token];
        uint256 fee = (amount * feeBps) / BPS;
        if (fee != 0) balances[feeRecipient] += fee;
        uint256 remaining = amount - fee;
        uint256 distributed;
        for (uint256 i = 1; i < payeeCount; ++i) {
            Payee memory payee = _payees[listingId][i];
            uint256 share = (remaining * payee.shareBps) / BPS;
            distributed += share;
            balances[payee.account] += share;
        }
        balances[_payees[listingId][0].account] += remaining - distributed;
    }

    /// @dev Takes exactly `amount` from the buyer: msg.value for the native token, else
    /// transferFrom, refusing tokens that deliver less than was sent.
    function _collect(address token, uint256 amount) internal {
        if (token == address(0)) {
            if (msg.value != amount) revert WrongPayment(amount, msg.value);
            return;
        }
        if (msg.value != 0) revert WrongPayment(0, msg.value);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferToken(token, amount, received);
    }

    /// @inheritdoc IAgentMarketplace
    function purchaseOf(uint256 purchaseId) external view returns (address buyer, uint256 listingId, uint256 runs) {
        Purchase memory p = _purchases[purchaseId];
        return (p.buyer, p.listingId, p.runs);
    }

    // ── withdrawals ─────────────────────────────────────────────────────────

    /// @inheritdoc IAgentMarketplace
    function withdraw(address token) external nonReentrant returns (uint256 amount) {
        amount = balanceOf[token][msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        balanceOf[token][msg.sender] = 0;
        emit Withdrawn(msg.sender, token, amount);
        if (token == address(0)) {
            (bool ok,) = payable(msg.sender).call{value: amount}("");
            if (!ok) revert TransferFailed();
        } else {
            IERC20(token).safeTransfer(msg.sender, amount);
        }
    }

    // ── platform settings ───────────────────────────────────────────────────

    /// @notice Sets the platform fee in basis points, at most MAX_FEE_BPS.
    function setFeeBps(uint16 newFeeBps) external onlyOwner {
        if (newFeeBps > MAX_FEE_BPS) revert FeeTooHigh(newFeeBps, MAX_FEE_BPS);
        feeBps = newFeeBps;
        emit FeeUpdated(newFeeBps);
    }

    /// @notice Stops (or resumes) purchases and listing changes, e.g. while an incident is
    /// looked into. Withdrawals stay open: a pause never holds anyone's money.
    function setPaused(bool newPaused) external onlyOwner {
        paused = newPaused;
        emit PausedSet(newPaused);
    }

    /// @inheritdoc IAgentMarketplace
    function setListingSuspended(uint256 listingId, bool suspended) external onlyOwner {
        Listing storage listing = _listings[listingId];
        if (listing.creator == address(0)) revert ListingNotFound(listingId);
        if (listing.suspended == suspended) return;
        if (suspended) {
            listing.activeAfterSuspension = listing.active;
            listing.active = false;
        } else {
            listing.active = listing.activeAfterSuspension;
            listing.activeAfterSuspension = false;
        }
        listing.suspended = suspended;
        emit ListingSuspended(listingId, suspended);
    }

    /// @inheritdoc IAgentMarketplace
    function listingSuspended(uint256 listingId) external view returns (bool) {
        return _listings[listingId].suspended;
    }

    /// @notice Sets who is credited the platform fee of future purchases.
    function setFeeRecipient(address newFeeRecipient) external onlyOwner {
        if (newFeeRecipient == address(0)) revert InvalidAddress();
        feeRecipient = newFeeRecipient;
        emit FeeRecipientUpdated(newFeeRecipient);
    }

    // ── internals ───────────────────────────────────────────────────────────

    function _checkPrice(uint256 pricePerRun) internal pure {
        if (pricePerRun == 0 || pricePerRun > type(uint80).max) revert InvalidPrice();
    }

    function _storePayees(uint256 listingId, Payee[] calldata payees) internal {
        uint256 count = payees.length;
        if (count == 0 || count > MAX_PAYEES) revert InvalidPayees();
        uint256 total;
        for (uint256 i; i < count; ++i) {
            Payee calldata payee = payees[i];
            if (payee.account == address(0) || payee.shareBps == 0) revert InvalidPayees();
            for (uint256 j; j < i; ++j) {
                if (payees[j].account == payee.account) revert InvalidPayees();
            }
            total += payee.shareBps;
            _payees[listingId][i] = payee;
        }
        if (total != BPS) revert InvalidPayees();
    }
}
